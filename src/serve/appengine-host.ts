/**
 * Where the emulator delivers App Engine tasks unless told otherwise; apart from the server so that
 * `tasksim serve --help` and its usage errors can show it without loading gRPC.
 */
export const DEFAULT_APPENGINE_HOST = 'http://127.0.0.1:8080';
