/**
 * The Cloud Tasks services on gRPC: the API's methods (api.ts) as unary handlers. Refusals become
 * gRPC status codes (CT-6); methods not listed there answer UNIMPLEMENTED (grpc-js's default).
 */
import * as grpc from '@grpc/grpc-js';
import { type ApiMethod, cloudTasksMethods, type Msg } from './api.js';
import type { CloudTasksEmulator } from './emulator.js';
import { ApiError } from './errors.js';

/** One unary handler: the method's answer, or its refusal as a status with a message naming the rule. */
function unary(fn: ApiMethod): grpc.handleUnaryCall<Msg, unknown> {
  return (call, callback) => {
    try {
      callback(null, fn(call.request) ?? {});
    } catch (err) {
      if (err instanceof ApiError) callback({ code: err.code, details: err.message });
      else callback({ code: grpc.status.INTERNAL, details: `tasksim serve: ${(err as Error).message}` });
    }
  };
}

export function cloudTasksHandlers(em: CloudTasksEmulator, beta: boolean): grpc.UntypedServiceImplementation {
  const impl: grpc.UntypedServiceImplementation = {};
  for (const [k, fn] of Object.entries(cloudTasksMethods(em, beta))) impl[k] = unary(fn);
  return impl;
}
