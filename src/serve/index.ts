export { startServer, DEFAULT_APPENGINE_HOST, type ServeOptions, type RunningServer } from './server.js';
export { CloudTasksEmulator } from './emulator.js';
