/**
 * Rule IDs that arrive from outside are parsed once, at the edge, against the catalog: a trace file read
 * back (`tasksim check`), an adapter's answers over the HTTP/JSON protocol, and `--known`. An ID the
 * catalog does not have is refused there with what was wrong, instead of travelling on as a string.
 */
import { describe, expect, it } from 'vitest';
import { AdapterProtocolError } from '../../src/adapters/contract.js';
import { readAddResults, readAdvance } from '../../src/adapters/http-json-wire.js';
import { BadKnownList, parseKnown } from '../../src/fuzz/defects.js';
import { TraceSchemaChecker } from '../../src/sim/trace-schema.js';

const CONFIG = { t: 0, e: 'config', seed: 1, epochUs: 0, config: {} };

describe('a trace file: rule IDs of reject and exhaust events', () => {
  it('a catalog ID passes; an unknown one is refused with the field named', () => {
    const ok = new TraceSchemaChecker();
    expect(ok.line(CONFIG)).toBeUndefined();
    expect(ok.line({ t: 5, e: 'exhaust', id: 1, q: 'default', n: 3, rule: 'RETRY-1' })).toBeUndefined();
    expect(ok.line({ t: 6, e: 'reject', q: 'default', reason: 'tombstoned', rule: 'TASK-2' })).toBeUndefined();

    const bad = new TraceSchemaChecker();
    bad.line(CONFIG);
    expect(bad.line({ t: 5, e: 'exhaust', id: 1, q: 'default', n: 3, rule: 'RETRY-9' })).toBe(
      'exhaust event: "rule" must be a rule ID (`tasksim rules`), got "RETRY-9"',
    );
    const lower = new TraceSchemaChecker();
    lower.line(CONFIG);
    expect(lower.line({ t: 6, e: 'reject', q: 'default', reason: 'x', rule: 'task-2' })).toBe(
      'reject event: "rule" must be a rule ID (`tasksim rules`), got "task-2"',
    );
  });
});

describe('an adapter over HTTP/JSON: rule IDs in its answers', () => {
  it('a refused add citing a catalog rule keeps it', () => {
    expect(
      readAddResults({ results: [{ ok: false, error: 'TOMBSTONED', rule: 'TASK-2', message: 'gone' }] }, 1),
    ).toEqual([{ ok: false, error: 'TOMBSTONED', rule: 'TASK-2', message: 'gone' }]);
  });

  it('a refused add citing no rule is kept without one', () => {
    expect(readAddResults({ results: [{ ok: false, error: 'INVALID' }] }, 1)).toEqual([
      { ok: false, error: 'INVALID' },
    ]);
  });

  it('a refused add citing a rule the catalog lacks is a protocol error naming the field', () => {
    expect(() => readAddResults({ results: [{ ok: false, error: 'INVALID', rule: 'TASK-99' }] }, 1)).toThrow(
      AdapterProtocolError,
    );
    expect(() => readAddResults({ results: [{ ok: false, error: 'INVALID', rule: 7 }] }, 1)).toThrow(
      /"rule": 7, expected a rule ID/,
    );
  });

  it('an exhaust event in /advance citing an unknown rule is a protocol error', () => {
    const events = [{ t: 1, e: 'exhaust', id: 1, q: 'default', n: 2, rule: 'RETRY-1' }];
    expect(readAdvance({ nowUs: 1, events }, true).events).toEqual(events);
    expect(() => readAdvance({ nowUs: 1, events: [{ ...events[0], rule: 'RETRY' }] }, true)).toThrow(
      'POST /advance answered the exhaust event at t=1 with "rule" "RETRY", expected a rule ID (tasksim rules)',
    );
  });
});

describe('--known', () => {
  it('takes catalog IDs and their short forms, in any case, and PROTOCOL', () => {
    expect(parseKnown('hdr-3, INV-NODUP\nPROTOCOL # adapter faults')).toEqual([
      'HDR-3',
      'INV-NODUP-AFTER-DELETE',
      'PROTOCOL',
    ]);
  });

  it('refuses a rule-shaped ID the catalog does not have (a typo must not hide a defect)', () => {
    expect(() => parseKnown('HDR-33')).toThrow(BadKnownList);
    expect(() => parseKnown('HDR-33')).toThrow('--known: "HDR-33" is not a rule ID');
  });
});
