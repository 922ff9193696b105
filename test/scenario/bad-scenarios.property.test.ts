/**
 * Property: a hostile edit of a shipped scenario (a number, a duration, a rate or a whole field
 * replaced by something extreme, removed, or joined by an unknown one) never crashes and never hangs.
 * Either it is refused with CFG-3 issues that each name the file, the field and the rule, or it runs
 * (bounded by stop.max_events) to an end with every invariant judged, no invariant broken on the
 * model, and a trace that is valid in every line (no NaN, no Infinity).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigError } from '../../src/model/config-error.js';
import { scenarioFromObject } from '../../src/scenario/load.js';
import { runScenario, usesInvariantThread } from '../../src/scenario/run.js';
import { TraceSchemaChecker } from '../../src/sim/trace-schema.js';
import { serialize, type TraceSink } from '../../src/sim/trace.js';
import { checkerThreadEntry } from '../helpers/checker-thread.js';
import { ROOT } from '../helpers/engine.js';
import { slowOr } from '../helpers/slow.js';

const DIR = join(ROOT, 'scenarios');
const SHIPPED = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => ({ file: f, raw: parse(readFileSync(join(DIR, f), 'utf8')) as unknown }));
/**
 * Each accepted run is cut at this many events: the property is about bounds, not about long runs.
 * The runs that reach it are throughput-1m's burst of adds either way (shorter scenarios end idle
 * below it); TASKSIM_SLOW=1 cuts them three times later.
 */
const EVENT_CAP = slowOr(60_000, 20_000);

const HOSTILE: unknown[] = [
  0,
  -1,
  1e-300,
  1e303,
  1e308,
  -1e308,
  Number.NaN,
  Infinity,
  -Infinity,
  2 ** 53,
  4294967296,
  0.5,
  '0s',
  '0ms',
  '1e303s',
  '999999999d',
  '',
  'abc',
  '-5s',
  '0/s',
  '0.00000001/s',
  '1000000000/s',
  '5/x',
  null,
  true,
  [],
  {},
  { min: 5, max: 1 },
  { min: -1, max: 1e308 },
  'x'.repeat(600),
];

/**
 * Every path to a value in a parsed YAML tree (keys and list indexes). The inline queue.yaml
 * (`queues`) is left out: its numbers are bounded and tested with the queue.yaml reader (RETRY-*).
 */
function paths(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (at.length === 1 && at[0] === 'queues') return [at];
  const here = at.length > 0 ? [at] : [];
  if (Array.isArray(v)) return [...here, ...v.flatMap((x, i) => paths(x, [...at, i]))];
  if (v !== null && typeof v === 'object')
    return [...here, ...Object.entries(v).flatMap(([k, x]) => paths(x, [...at, k]))];
  return here;
}

type Edit = { kind: 'set'; value: unknown } | { kind: 'delete' } | { kind: 'unknown-key' };

function edited(raw: unknown, path: (string | number)[], edit: Edit): unknown {
  const copy = structuredClone(raw) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (edit.kind === 'set') parent[last] = structuredClone(edit.value);
  else if (edit.kind === 'delete') Array.isArray(parent) ? parent.splice(last as number, 1) : delete parent[last];
  else if (parent[last] !== null && typeof parent[last] === 'object' && !Array.isArray(parent[last]))
    (parent[last] as Record<string, unknown>).bogus_field = 1;
  return copy;
}

const mutation = fc
  .record({
    scenario: fc.integer({ min: 0, max: SHIPPED.length - 1 }),
    pathPick: fc.nat(),
    edits: fc.array(
      fc.tuple(
        fc.nat(),
        fc.oneof(
          { weight: 6, arbitrary: fc.constantFrom(...HOSTILE).map((value): Edit => ({ kind: 'set', value })) },
          { weight: 1, arbitrary: fc.constant<Edit>({ kind: 'delete' }) },
          { weight: 1, arbitrary: fc.constant<Edit>({ kind: 'unknown-key' }) },
        ),
      ),
      { minLength: 1, maxLength: 3 },
    ),
  })
  .map(({ scenario, edits }) => {
    const { file, raw } = SHIPPED[scenario];
    let out = raw;
    const applied: string[] = [];
    for (const [pick, edit] of edits) {
      const all = paths(out);
      if (all.length === 0) break;
      const path = all[pick % all.length];
      out = edited(out, path, edit);
      applied.push(
        `${path.join('.')} ${edit.kind === 'set' ? `= ${String(JSON.stringify(edit.value)).slice(0, 40)}` : edit.kind}`,
      );
    }
    return { file, raw: out, applied };
  });

/** Reads every event as the file would hold it and checks it against the trace schema. */
class SchemaSink implements TraceSink {
  readonly checker = new TraceSchemaChecker();
  problems: string[] = [];
  onEvent(ev: Parameters<TraceSink['onEvent']>[0]): void {
    const bad = this.checker.line(JSON.parse(serialize(ev)));
    if (bad && this.problems.length < 3) this.problems.push(bad);
  }
}

describe('hostile edits of the shipped scenarios (property)', () => {
  it('are refused with CFG-3 issues, or run bounded with every invariant judged and a valid trace', async () => {
    let refused = 0;
    let ran = 0;
    await fc.assert(
      fc.asyncProperty(mutation, async ({ file, raw, applied }) => {
        let scenario;
        try {
          scenario = await scenarioFromObject(raw, file);
        } catch (e) {
          // Never a crash: only ConfigError, every issue placed and ruled.
          expect(e, applied.join('; ')).toBeInstanceOf(ConfigError);
          for (const issue of (e as ConfigError).issues) {
            expect(issue.file ?? issue.queue, applied.join('; ')).toBeTruthy();
            expect(issue.field ?? issue.queue ?? issue.line, applied.join('; ')).toBeDefined();
            expect(issue.rule, applied.join('; ')).toMatch(/^[A-Z]+(-[A-Z0-9]+)+$/);
            expect(issue.message.length).toBeGreaterThan(0);
          }
          refused++;
          return;
        }
        const bounded = {
          ...scenario,
          stop: { ...scenario.stop, maxEvents: Math.min(scenario.stop.maxEvents, EVENT_CAP) },
        };
        const schema = new SchemaSink();
        // Judged where `auto` would judge it: in a checker thread for a big run (the thread's code
        // bundled, test/helpers/checker-thread.ts: the same code, started in less CPU).
        const invariantThread = usesInvariantThread(bounded) ? { entry: checkerThreadEntry() } : 'auto';
        const r = await runScenario(bounded, { sinks: [schema], invariantThread });
        ran++;
        expect(r.events, applied.join('; ')).toBeLessThanOrEqual(EVENT_CAP + 1);
        expect(schema.problems, applied.join('; ')).toEqual([]);
        expect(schema.checker.finish(), applied.join('; ')).toBeUndefined();
        expect(r.invariants.length).toBeGreaterThanOrEqual(8);
        for (const inv of r.invariants)
          expect(
            ['pass', 'skip'],
            `${inv.id} after ${applied.join('; ')}: ${JSON.stringify(inv.examples[0])}`,
          ).toContain(inv.status);
        expect(Number.isFinite(r.virtualSeconds)).toBe(true);
      }),
      { numRuns: Number(process.env.PROP_RUNS ?? 40), seed: Number(process.env.PROP_SEED ?? 1313), endOnFailure: true },
    );
    // Both sides of the property were exercised.
    expect(refused).toBeGreaterThan(5);
    expect(ran).toBeGreaterThan(3);
  }, 240_000);
});
