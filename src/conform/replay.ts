/**
 * `--replay TOKEN`: sends the one delivery an exploration finding printed, exactly as before, and says
 * what came back — the quickest loop while fixing the handler.
 */
import type { PushAnswer, PushRequest } from '../sim/exchange.js';
import { CloudTasksHeaders } from '../targets/cloud-tasks-headers.js';
import type { HandlerFunction } from '../targets/function-target.js';
import { HttpTarget, parseTargetUrl } from '../targets/http-target.js';
import { wireOf, type Target } from '../targets/types.js';
import type { TargetKind } from './case.js';
import { directDelivery } from './context.js';
import { decodeReplay } from './explore/reproduce.js';
import { resolveDeadline } from './run.js';

export interface ReplayOptions {
  target: string | URL | HandlerFunction;
  token: string;
  deadline?: string | number;
  targetKind?: TargetKind;
}

export interface ReplayResult {
  sent: PushRequest;
  response: PushAnswer;
}

/** Throws ReplayTokenError for a token that is not one conform printed (checked before anything is sent). */
export async function replayDelivery(opts: ReplayOptions): Promise<ReplayResult> {
  const req = decodeReplay(opts.token);
  const isFunction = typeof opts.target === 'function';
  const deadline = resolveDeadline({ deadline: opts.deadline, isFunction, targetKind: opts.targetKind });
  // The function target (and its fake timers) loads only for a function, not for a URL.
  const bare: Target =
    typeof opts.target === 'function'
      ? new (await import('../targets/function-target.js')).FunctionTarget(opts.target)
      : new HttpTarget(parseTargetUrl(String(opts.target)), { connections: 1 });
  const target = opts.targetKind === 'http' ? new CloudTasksHeaders(bare, true) : bare;
  try {
    const d = directDelivery(req, deadline.deadlineUs);
    const response = await target.deliver(d, { timeoutMs: deadline.timeoutMs });
    return { sent: wireOf(target, d), response };
  } finally {
    await target.close();
  }
}
