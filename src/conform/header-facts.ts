/**
 * INV-HDR and RETRY-4 facts about one driven run, read from its trace and the headers actually sent:
 * what each retried delivery told the handler, and the backoff the engine waited (in virtual time).
 * The engine builds these headers itself, so a problem here is the harness's own bug — reported, not
 * blamed on the handler.
 */
import type { ResolvedConfig } from '../model/config.js';
import type { RuleId } from '../rules/index.js';
import { backoffDelay } from '../model/backoff.js';
import { fromHttpHeaders, retryReason } from '../model/headers.js';
import type { ConfigEvent, Outcome, TraceEvent } from '../sim/events.js';
import { formatDuration } from '../sim/time.js';
import type { DriveResult } from './case.js';

export interface SentHeaderFacts {
  /** One line per delivery that reached the handler: `attempt 3 with RetryCount 2, ExecutionCount 1, …`. */
  lines: string[];
  /** Where a sent header disagrees with the trace (HDR-3/4/6/7). */
  problems: string[];
}

export function sentHeaderFacts(run: DriveResult): SentHeaderFacts {
  const history = new Map<number, { n: number; status: number; out: Outcome }[]>();
  for (const ev of run.events) {
    if (ev.e === 'response') {
      const list = history.get(ev.id) ?? [];
      list.push({ n: ev.n, status: ev.status, out: ev.out });
      history.set(ev.id, list);
    }
  }
  const opts = configOf(run.events)?.options;
  const lines: string[] = [];
  const problems: string[] = [];
  for (const x of run.exchanges) {
    if (x.injected || x.delivery.duplicate) continue;
    const d = x.delivery;
    const h = fromHttpHeaders(d.headers);
    const earlier = (history.get(d.id) ?? []).filter((r) => r.n < d.attempt);
    const prev = earlier[earlier.length - 1];
    // HDR-4 with its §10 readings: a missed deadline (option), a 5xx answer (CT-5, option) may not count.
    const executed = (r: { status: number; out: Outcome }): boolean =>
      r.out === 'error'
        ? opts?.executionCounts5xx !== false || r.status < 500 || r.status > 599
        : r.out === 'deadline' && opts?.deadlineCountsAsExecution === true;
    const ec = earlier.filter(executed).length;
    const check = (rule: RuleId, name: string, want: string | undefined, got: string | undefined): void => {
      if (want !== got)
        problems.push(`${rule} attempt ${d.attempt} ${name}: expected ${want ?? 'absent'}, sent ${got ?? 'absent'}`);
    };
    check('HDR-3', 'RetryCount', String(d.attempt - 1), h.rc);
    check('HDR-4', 'ExecutionCount', String(ec), h.ec);
    check('HDR-6', 'PreviousResponse', prev ? String(prev.status) : undefined, h.pr);
    check('HDR-7', 'RetryReason', prev ? retryReason(prev.out) : undefined, h.rr);
    const parts = [`RetryCount ${h.rc}`, `ExecutionCount ${h.ec}`];
    if (h.pr !== undefined) parts.push(`PreviousResponse ${h.pr}`);
    if (h.rr !== undefined) parts.push(`RetryReason ${h.rr}`);
    lines.push(`attempt ${d.attempt} with ${parts.join(', ')}`);
  }
  return { lines, problems };
}

export interface BackoffFacts {
  /** The delays waited before each retry, in order (virtual time). */
  delays: string[];
  problems: string[];
}

/** RETRY-4: each retry's ETA is the failed response's time plus delay(n); no dispatch before it (INV-ETA). */
export function backoffFacts(run: DriveResult): BackoffFacts {
  const config = configOf(run.events);
  const delays: string[] = [];
  const problems: string[] = [];
  if (!config) return { delays, problems: ['no config event in the trace'] };
  const lastResponseAt = new Map<number, number>();
  const eta = new Map<string, number>();
  for (const ev of run.events) {
    if (ev.e === 'response') lastResponseAt.set(ev.id, ev.t);
    else if (ev.e === 'retry') {
      const q = config.queues.find((c) => c.name === ev.q);
      const at = lastResponseAt.get(ev.id);
      if (!q || at === undefined) continue;
      const want = backoffDelay(ev.n - 1, q.retry, config.options.backoffLinearStep);
      const got = ev.eta - at;
      delays.push(formatDuration(got));
      if (got !== want)
        problems.push(
          `RETRY-4 retry ${ev.n - 1}: expected a ${formatDuration(want)} backoff, the engine waited ${formatDuration(got)}`,
        );
      eta.set(`${ev.id}:${ev.n}`, ev.eta);
    } else if (ev.e === 'dispatch') {
      const due = eta.get(`${ev.id}:${ev.n}`);
      if (due !== undefined && ev.t < due)
        problems.push(`INV-ETA attempt ${ev.n} dispatched ${formatDuration(due - ev.t)} before its ETA`);
    }
  }
  return { delays, problems };
}

function configOf(events: TraceEvent[]): ResolvedConfig | undefined {
  return (events.find((e) => e.e === 'config') as ConfigEvent | undefined)?.config;
}
