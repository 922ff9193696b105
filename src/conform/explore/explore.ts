/**
 * Property-based exploration of one dimension of a delivery: fast-check draws deliveries the contract
 * allows, sends each as the queue would, and a refusal (non-2xx) is shrunk to the smallest delivery
 * that is still refused, then sent once more as the evidence. Bounded in requests and in real time.
 */
import type { PushAnswer } from '../../sim/exchange.js';
import fc from 'fast-check';
import type { RuleId } from '../../rules/index.js';
import { DEFAULT_EPOCH_US, formatEpochSeconds } from '../../sim/time.js';
import { realNow } from '../../targets/real-timers.js';
import type { CaseContext, Verdict } from '../case.js';
import { consequence, describe, failureRules, fail, is2xx, pass, warn } from '../verdict.js';
import { describeChanges, toRequest, type ExploredDelivery } from './delivery.js';

/** Requests spent shrinking one failure, at most. */
const MAX_SHRINK_REQUESTS = 300;
/** Real time one exploring case may take before it stops drawing (the request in flight still ends). */
const MAX_REAL_MS = 20_000;

/** The delivery every dimension starts from: a plain first attempt of a POST (or the app's method) task. */
export function baseline(ctx: CaseContext): ExploredDelivery {
  const method = ctx.app.methods[0] ?? 'POST';
  const body = ctx.body('tasksim exploration');
  const payload = body.payload;
  return {
    queue: 'default',
    name: '', // a fresh unique name per delivery (see `named`): idempotent handlers must not see repeats
    eta: formatEpochSeconds(DEFAULT_EPOCH_US),
    retryCount: 0,
    executionCount: 0,
    method,
    ...(body.headers?.['Content-Type'] ? { contentType: body.headers['Content-Type'] } : {}),
    ...(payload === undefined
      ? {}
      : { body: typeof payload === 'string' ? new TextEncoder().encode(payload) : payload }),
  };
}

export interface ExploreSpec {
  /** What varies, in words: `task names over TASK-1 (^[a-zA-Z0-9_-]{1,500}$)`. */
  varies: string;
  /** Rules a refusal breaks. */
  rules: RuleId[];
  arbitrary: (base: ExploredDelivery) => fc.Arbitrary<ExploredDelivery>;
}

export async function exploreDimension(ctx: CaseContext, spec: ExploreSpec): Promise<Verdict> {
  const base = baseline(ctx);
  let counter = 0;
  const named = (x: ExploredDelivery): ExploredDelivery => (x.name ? x : { ...x, name: ctx.taskName(`p${++counter}`) });
  const maxRequests = ctx.exploration.runs + MAX_SHRINK_REQUESTS;
  const until = realNow() + MAX_REAL_MS;
  let sent = 0;
  let stoppedEarly = false;
  let lastRefusal: PushAnswer | undefined;
  const property = fc.asyncProperty(spec.arbitrary(base), async (x) => {
    // Past the budget every draw counts as accepted: fast-check stops drawing and stops shrinking.
    if (sent >= maxRequests || realNow() > until) {
      stoppedEarly = true;
      return true;
    }
    sent++;
    const r = await ctx.probe(toRequest(named(x)));
    if (!is2xx(r)) lastRefusal = r;
    return is2xx(r);
  });
  const out = await fc.check(property, { seed: ctx.seed, numRuns: ctx.exploration.runs });
  const expected = `a 2xx to every delivery the contract allows, with ${spec.varies}`;
  const budget = stoppedEarly ? ' (stopped at its budget)' : '';
  if (!out.failed || !out.counterexample) {
    return pass(expected, `${sent} generated deliveries, all 2xx${budget}; seed ${ctx.seed}`);
  }
  // The smallest delivery found, sent once more: the evidence, and proof that the refusal repeats.
  const drawn = out.counterexample[0];
  const request = toRequest(named(drawn));
  const again = await ctx.send(request);
  const what = describeChanges(drawn, base);
  const how = `shrunk in ${out.numShrinks} steps from ${out.numRuns} generated deliveries; seed ${ctx.seed}${budget}`;
  if (is2xx(again)) {
    return warn(
      expected,
      `${what} was refused (${lastRefusal ? describe(lastRefusal) : 'non-2xx'}) but accepted when sent again: the handler refuses some deliveries intermittently (${how})`,
      spec.rules,
    );
  }
  return {
    ...fail(expected, `${what} → ${describe(again)}; ${consequence(again)} (${how})`, failureRules(again, spec.rules)),
    reproduction: request,
  };
}
