import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  LIMITS,
  QUEUE_NAME_RE,
  TASK_NAME_RE,
  Tombstones,
  checkTaskName,
  systemTaskId,
  systemTaskName,
} from '../../src/model/names.js';
import { refusal } from '../helpers/engine.js';
import { US_PER_D, US_PER_H } from '../../src/sim/time.js';
import { PROFILES } from '../../src/model/profiles.js';

describe('TASK-1 names', () => {
  it('TASK-1 task names: letters, digits, _ and -, 1 to 500 characters', () => {
    for (const ok of ['a', 'A-b_9', '_', '-', 'x'.repeat(500)]) expect(() => checkTaskName(ok)).not.toThrow();
    for (const bad of ['', 'x'.repeat(501), 'a b', 'a.b', 'a/b', 'é', 'a\n', 'name!']) {
      const e = refusal(() => checkTaskName(bad));
      expect(e.rule).toBe('TASK-1');
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect(e.message).toContain('(TASK-1)');
    }
  });

  it('TASK-1 queue names: letters, digits and -, no underscore, 1 to 100 characters', () => {
    expect(QUEUE_NAME_RE.test('mail-queue-2')).toBe(true);
    expect(QUEUE_NAME_RE.test('q'.repeat(100))).toBe(true);
    expect(QUEUE_NAME_RE.test('q'.repeat(101))).toBe(false);
    expect(QUEUE_NAME_RE.test('mail_queue')).toBe(false);
    expect(QUEUE_NAME_RE.test('')).toBe(false);
  });

  it('TASK-1 property: the regex accepts exactly the strings over [a-zA-Z0-9_-] of length 1..500', () => {
    const alphabet = fc.constantFrom(...'abcXYZ019_-'.split(''));
    fc.assert(fc.property(fc.string({ unit: alphabet, minLength: 1, maxLength: 500 }), (s) => TASK_NAME_RE.test(s)));
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20 }), (s) => {
        expect(TASK_NAME_RE.test(s)).toBe(/^[a-zA-Z0-9_-]+$/.test(s));
      }),
    );
  });

  it('HDR-2 system names round-trip to their ids, and nothing else parses as one', () => {
    for (const id of [1, 9, 10, 123456789]) expect(systemTaskId(systemTaskName(id))).toBe(id);
    for (const s of ['auto-0', 'auto-01', 'auto-', 'auto-1x', 'Auto-1', 'x-auto-1'])
      expect(systemTaskId(s)).toBeUndefined();
    expect(TASK_NAME_RE.test(systemTaskName(42))).toBe(true);
  });

  it('TASK-3 limits as SPEC states them', () => {
    expect(LIMITS).toEqual({
      pushTaskBytes: 102_400,
      pullTaskBytes: 1_048_576,
      tasksPerAdd: 100,
      urlChars: 2083,
      tagBytes: 500,
    });
  });
});

describe('TASK-2 tombstones', () => {
  it('TASK-2 a buried name is refused with "tombstoned" until the period ends, then reusable', () => {
    const t = new Tombstones(100);
    t.check('a', 0); // never buried: fine
    t.bury('a', 1000);
    const e = refusal(() => t.check('a', 1099));
    expect(e.rule).toBe('TASK-2');
    expect(e.code).toBe('TOMBSTONED');
    expect(e.message).toContain('tombstoned');
    expect(() => t.check('a', 1100)).not.toThrow();
    expect(() => t.check('b', 1050)).not.toThrow();
  });

  it('TASK-2 the periods per profile: about 9 days (queue.yaml) and 1 hour (Cloud Tasks)', () => {
    expect(PROFILES.appengine.tombstoneUs).toBe(9 * US_PER_D);
    expect(PROFILES['cloud-tasks'].tombstoneUs).toBe(US_PER_H);
  });
});
