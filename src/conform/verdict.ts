/** Building verdicts and describing what a target answered, in words a handler's author can act on. */
import type { PushAnswer } from '../sim/exchange.js';
import { formatMs } from '../targets/net-errors.js';
import type { RuleId } from '../rules/index.js';
import type { DriveResult, Verdict } from './case.js';

export const pass = (expected: string, actual: string): Verdict => ({ status: 'pass', expected, actual });
export const fail = (expected: string, actual: string, rules?: RuleId[]): Verdict => ({
  status: 'fail',
  expected,
  actual,
  ...(rules ? { rules } : {}),
});
export const warn = (expected: string, actual: string, rules?: RuleId[]): Verdict => ({
  status: 'warn',
  expected,
  actual,
  ...(rules ? { rules } : {}),
});
export const skip = (expected: string, actual: string): Verdict => ({ status: 'skip', expected, actual });

export function latencyText(us: number): string {
  if (us < 100) return `${Math.round(us)}µs`;
  return formatMs(Math.round(us / 100) / 10);
}

/** `200 in 3.2ms`, `no HTTP answer: connection reset`, `no answer within 200ms`. */
export function describe(r: PushAnswer): string {
  if (r.outcome === 'net') return `no HTTP answer: ${r.detail ?? 'connection failed'}`;
  if (r.outcome === 'deadline') return `no answer in time: ${r.detail ?? 'deadline missed'}`;
  const extra = r.detail && r.detail !== 'injected by the harness' ? ` — ${r.detail}` : '';
  return `${r.status} in ${latencyText(r.latencyUs)}${extra}`;
}

export const is2xx = (r: PushAnswer): boolean => r.outcome === 'ok';
export const is3xx = (r: PushAnswer): boolean => r.outcome === 'error' && r.status >= 300 && r.status <= 399;

/** What the queue does with a failed answer (HANDLER-2, DEADLINE-2, PUSH-6). */
export function consequence(r: PushAnswer): string {
  if (r.outcome === 'ok') return '';
  if (r.outcome === 'deadline')
    return 'the queue counts a missed deadline as a failure and retries the task (DEADLINE-2)';
  if (r.outcome === 'net') return 'the queue counts a connection failure as a failure and retries the task (HANDLER-2)';
  if (r.status === 503) return 'the queue reads 503 as "no instance" and throttles the whole queue (HANDLER-3)';
  if (r.status >= 300 && r.status <= 399) return 'the queue does not follow redirects and retries the task (PUSH-6)';
  return 'the queue retries the task (HANDLER-2)';
}

/**
 * The rules a failed answer breaks: a status the handler chose breaks the case's own rules; no answer
 * at all is a connection failure (HANDLER-2) or a missed deadline (DEADLINE-2), whatever was sent.
 */
export function failureRules(r: PushAnswer, statusRules?: RuleId[]): RuleId[] | undefined {
  if (r.outcome === 'net') return ['HANDLER-2'];
  if (r.outcome === 'deadline') return ['DEADLINE-2'];
  return statusRules;
}

/** The handler's own deliveries in a driven run (injected ones left out). */
export function handlerExchanges(run: DriveResult): DriveResult['exchanges'] {
  return run.exchanges.filter((x) => !x.injected);
}

/**
 * The common verdict: every delivery that reached the handler was answered 2xx. On failure, the
 * first bad answer and what the queue would do about it.
 */
export function allAccepted(run: DriveResult, expected: string, rules?: RuleId[]): Verdict {
  const real = handlerExchanges(run);
  if (real.length === 0)
    return fail(expected, 'nothing was delivered to the handler (harness bug: please report)', rules);
  const bad = real.find((x) => !is2xx(x.response));
  if (!bad) {
    const r = real[real.length - 1].response;
    return pass(
      expected,
      real.length === 1 ? describe(r) : `${real.length} deliveries, all 2xx (last: ${describe(r)})`,
    );
  }
  const which =
    real.length > 1 ? `delivery ${real.indexOf(bad) + 1} of ${real.length} (attempt ${bad.delivery.attempt}): ` : '';
  return fail(
    expected,
    `${which}${describe(bad.response)}; ${consequence(bad.response)}`,
    failureRules(bad.response, rules),
  );
}
