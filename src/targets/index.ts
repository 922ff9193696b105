/** Targets: where deliveries go (DESIGN: contracts at the edges). */
export type { Target, TargetResponse, TargetOutcome, DeliverOptions } from './types.js';
export { outcomeOfStatus } from './types.js';
export {
  HttpTarget,
  parseTargetUrl,
  TargetUrlError,
  DEFAULT_MAX_BODY_BYTES,
  type HttpTargetOptions,
} from './http-target.js';
export {
  FunctionTarget,
  type FunctionTargetOptions,
  type HandlerFunction,
  type HandlerRequest,
  type HandlerReply,
} from './function-target.js';
export { ScriptedTarget, scriptedStatus, type Script } from './scripted-target.js';
export { RecordingTarget, type Exchange } from './recording-target.js';
export { CloudTasksHeaders, toCloudTasksHeaders } from './cloud-tasks-headers.js';
export { classifyError, formatMs } from './net-errors.js';
