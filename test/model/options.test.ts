/** SPEC §10: every reading where sources disagree is an option, selectable by name; a profile sets defaults. */
import { describe, expect, it } from 'vitest';
import {
  OPTIONS,
  OptionError,
  applyOptions,
  changedOptions,
  optionArgs,
  optionProblem,
  optionsByName,
  parseOptionArgs,
} from '../../src/model/options.js';
import { PROFILES } from '../../src/model/profiles.js';

describe('SPEC §10 the options registry', () => {
  it('lists each option with its values, the rule it reads, and (per profile) the default SPEC gives', () => {
    // Written out from SPEC §10 and CT-5, not read back from the registry's own tables.
    const expected = {
      'backoff-linear-step': {
        rule: 'RETRY-4',
        values: ['double', 'half'],
        appengine: 'double',
        'cloud-tasks': 'double',
      },
      'handler-503': {
        rule: 'HANDLER-3',
        values: ['counted', 'not-counted'],
        appengine: 'counted',
        'cloud-tasks': 'not-counted',
      },
      'retry-limit': {
        rule: 'RETRY-1',
        values: ['retries', 'attempts'],
        appengine: 'retries',
        'cloud-tasks': 'attempts',
      },
      'age-from': {
        rule: 'RETRY-2',
        values: ['first-attempt', 'creation'],
        appengine: 'first-attempt',
        'cloud-tasks': 'first-attempt',
      },
      'deadline-execution': {
        rule: 'HDR-4',
        values: ['not-counted', 'counted'],
        appengine: 'not-counted',
        'cloud-tasks': 'not-counted',
      },
      'execution-count-5xx': {
        rule: 'CT-5',
        values: ['counted', 'left-out'],
        appengine: 'counted',
        'cloud-tasks': 'left-out',
      },
      'retry-eta-header': { rule: 'HDR-5', values: ['retry', 'original'], appengine: 'retry', 'cloud-tasks': 'retry' },
    };
    const actual = Object.fromEntries(
      OPTIONS.map((o) => [
        o.name,
        {
          rule: o.rule,
          values: Object.keys(o.values),
          appengine: optionsByName(PROFILES.appengine)[o.name],
          'cloud-tasks': optionsByName(PROFILES['cloud-tasks'])[o.name],
        },
      ]),
    );
    expect(actual).toEqual(expected);
    for (const o of OPTIONS) expect(o.description.length).toBeGreaterThan(20);
  });

  it('covers every §10 reading of ProfileOptions (all but the TASK-2 tombstone period)', () => {
    const fields = Object.keys(PROFILES.appengine)
      .filter((k) => k !== 'tombstoneUs')
      .sort();
    expect(OPTIONS.map((o) => o.field).sort()).toEqual(fields);
  });

  it('applies named options over a profile, leaving the rest and the given object alone', () => {
    const base = PROFILES.appengine;
    const out = applyOptions(base, {
      'retry-limit': 'attempts',
      'handler-503': 'not-counted',
      'deadline-execution': 'counted',
    });
    expect(out).toEqual({
      ...base,
      retryLimitMeans: 'attempts',
      handler503Counts: false,
      deadlineCountsAsExecution: true,
    });
    expect(base.retryLimitMeans).toBe('retries');
    expect(applyOptions(PROFILES['cloud-tasks'], { 'execution-count-5xx': 'counted' }).executionCounts5xx).toBe(true);
    expect(applyOptions(PROFILES['cloud-tasks'], undefined)).toEqual(PROFILES['cloud-tasks']);
  });

  it('an unknown name or value is refused, naming the valid choices', () => {
    expect(() => applyOptions(PROFILES.appengine, { 'retry-limits': 'attempts' })).toThrow(OptionError);
    expect(optionProblem('retry-limits', 'attempts')).toBe(
      'unknown option "retry-limits"; the options are backoff-linear-step, handler-503, retry-limit, age-from, deadline-execution, execution-count-5xx, retry-eta-header (SPEC §10, see tasksim options)',
    );
    expect(optionProblem('retry-limit', 'tries')).toBe(
      'option retry-limit must be retries or attempts, got "tries" (RETRY-1)',
    );
    expect(optionProblem('handler-503', true)).toBe(
      'option handler-503 must be counted or not-counted, got true (HANDLER-3)',
    );
    expect(optionProblem('retry-limit', 'attempts')).toBeUndefined();
    // Names of Object.prototype are not options.
    expect(optionProblem('toString', 'x')).toContain('unknown option');
    expect(optionProblem('retry-limit', 'constructor')).toContain('must be retries or attempts');
  });

  it('--option name=value arguments: repeated, trimmed, the last one wins; malformed ones name the choices', () => {
    expect(parseOptionArgs(['retry-limit=attempts', ' age-from = creation ', 'retry-limit=retries'])).toEqual({
      'retry-limit': 'retries',
      'age-from': 'creation',
    });
    expect(parseOptionArgs(undefined)).toEqual({});
    expect(() => parseOptionArgs(['retry-limit'])).toThrow(
      '--option takes name=value, got "retry-limit"; the options are backoff-linear-step',
    );
    expect(() => parseOptionArgs(['=attempts'])).toThrow('--option takes name=value');
    expect(() => parseOptionArgs(['retry-limit=n'])).toThrow(
      '--option retry-limit=n: option retry-limit must be retries or attempts, got "n" (RETRY-1)',
    );
    expect(optionArgs({ 'retry-limit': 'attempts', 'age-from': 'creation' })).toEqual([
      '--option',
      'retry-limit=attempts',
      '--option',
      'age-from=creation',
    ]);
  });

  it('optionsByName names every option a run used', () => {
    const opts = { ...PROFILES['cloud-tasks'], retryEtaHeader: 'original' as const };
    expect(optionsByName(opts)).toEqual({
      'backoff-linear-step': 'double',
      'handler-503': 'not-counted',
      'retry-limit': 'attempts',
      'age-from': 'first-attempt',
      'deadline-execution': 'not-counted',
      'execution-count-5xx': 'left-out',
      'retry-eta-header': 'original',
    });
  });

  it('changedOptions names only what differs from the profile, for the replay line', () => {
    expect(changedOptions('appengine', PROFILES.appengine)).toEqual({});
    const two = applyOptions(PROFILES.appengine, { 'retry-limit': 'attempts', 'age-from': 'creation' });
    expect(changedOptions('appengine', two)).toEqual({ 'retry-limit': 'attempts', 'age-from': 'creation' });
    // Against the other profile's own defaults, one changed option is named alone.
    const ct = applyOptions(PROFILES['cloud-tasks'], { 'age-from': 'creation' });
    expect(changedOptions('cloud-tasks', ct)).toEqual({ 'age-from': 'creation' });
  });
});
