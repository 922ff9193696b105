import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DELETED,
  F64Column,
  PAGE_SIZE,
  SUCCEEDED,
  TaskTable,
  U32Column,
  WAITING,
} from '../../src/invariants/task-table.js';
import { decimalValue, epochMicrosOf, isDecimalOf } from '../../src/invariants/format.js';

describe('TaskTable', () => {
  it('frees a page once all its tasks finished and no later add can land in it, keeping phases', () => {
    const table = new TaskTable();
    const col = table.column(new F64Column());
    // Page 0 holds ids 0…PAGE_SIZE−1; fill all but its last id.
    for (let id = 1; id < PAGE_SIZE - 1; id++) {
      table.add(id);
      col.set(id, id * 2);
    }
    for (let id = 1; id < PAGE_SIZE - 1; id++) table.finish(id, SUCCEEDED);
    expect(col.held()).toBe(1); // all finished, but id PAGE_SIZE−1 may still be added here
    table.add(PAGE_SIZE); // ids only grow: page 0 is closed now, and freed
    expect(col.held()).toBe(0);
    col.set(PAGE_SIZE, 7);
    expect(col.get(PAGE_SIZE)).toBe(7);
    expect(col.get(5)).toBe(0);
    expect(table.phase(5)).toBe(SUCCEEDED);
    expect(table.phase(PAGE_SIZE)).toBe(WAITING);
    table.finish(PAGE_SIZE, DELETED);
    expect(col.held()).toBe(1); // page 1 may still receive adds
  });

  it('keeps a page while one of its tasks is live', () => {
    const table = new TaskTable();
    const col = table.column(new U32Column());
    for (let id = 1; id <= PAGE_SIZE + 1; id++) {
      table.add(id);
      col.set(id, 1);
    }
    for (let id = 2; id <= PAGE_SIZE + 1; id++) table.finish(id, SUCCEEDED);
    expect(col.get(1)).toBe(1);
    table.finish(1, DELETED);
    expect(col.get(1)).toBe(0);
  });

  it('grows a page as ids reach further into it, keeping what was written and reading 0 past it', () => {
    const table = new TaskTable();
    const col = table.column(new F64Column());
    table.add(3);
    col.set(3, 1.5);
    expect(col.get(PAGE_SIZE - 1)).toBe(0); // not written yet: 0, whatever the page holds so far
    expect(col.get(PAGE_SIZE + 3)).toBe(0);
    for (const id of [200, 5000, PAGE_SIZE - 1, PAGE_SIZE + 3]) {
      table.add(id);
      col.set(id, id + 0.25);
    }
    expect([col.get(3), col.get(200), col.get(5000), col.get(PAGE_SIZE - 1), col.get(PAGE_SIZE + 3)]).toEqual([
      1.5,
      200.25,
      5000.25,
      PAGE_SIZE - 0.75,
      PAGE_SIZE + 3.25,
    ]);
    expect(col.get(4)).toBe(0);
    expect(table.phase(5000)).toBe(WAITING);
    expect(table.phase(4999)).toBe(0);
  });
});

describe('header readers', () => {
  it('reads canonical decimals only', () => {
    expect(isDecimalOf('0', 0)).toBe(true);
    expect(isDecimalOf('12', 12)).toBe(true);
    expect(isDecimalOf('012', 12)).toBe(false);
    expect(isDecimalOf('1.0', 1)).toBe(false);
    expect(isDecimalOf(3, 3)).toBe(false);
    expect(decimalValue('-1')).toBe(-1);
    expect(decimalValue('')).toBe(-1);
  });

  it('reads HDR-5 ETAs as exact microseconds', () => {
    expect(epochMicrosOf('1767225600.000001')).toBe(1_767_225_600_000_001);
    // HDR-5: any number of fraction digits, or none; past the sixth, rounded half up to the microsecond.
    expect(epochMicrosOf('1767225600.5')).toBe(1_767_225_600_500_000);
    expect(epochMicrosOf('1767225600')).toBe(1_767_225_600_000_000);
    expect(epochMicrosOf('1767225600.0000014')).toBe(1_767_225_600_000_001);
    expect(epochMicrosOf('1767225600.0000015')).toBe(1_767_225_600_000_002);
    expect(epochMicrosOf('1767225600.00000149')).toBe(1_767_225_600_000_001);
    expect(epochMicrosOf('1767225600.')).toBeNaN();
    expect(epochMicrosOf('+1767225600')).toBeNaN();
    expect(epochMicrosOf('1767225600.5x')).toBeNaN();
    expect(epochMicrosOf(1767225600)).toBeNaN();
    expect(epochMicrosOf('.000000')).toBeNaN();
    expect(epochMicrosOf('17672256x0.000000')).toBeNaN();
    expect(epochMicrosOf('1767225600.12')).toBe(1_767_225_600_120_000);
    expect(epochMicrosOf('1767225600.9999995')).toBe(1_767_225_601_000_000);
    expect(epochMicrosOf('0.25')).toBe(250_000);
  });

  it('reads every well-formed HDR-5 ETA as the digits say (a second reading by padding the text)', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 99_999_999_999 }),
        fc.option(fc.stringMatching(/^[0-9]{1,10}$/), { nil: undefined }),
        (whole, fraction) => {
          const text = fraction === undefined ? String(whole) : `${whole}.${fraction}`;
          const digits = (fraction ?? '').padEnd(7, '0');
          const expected = whole * 1_000_000 + Number(digits.slice(0, 6)) + (digits[6] >= '5' ? 1 : 0);
          expect(epochMicrosOf(text)).toBe(expected);
        },
      ),
    );
  });
});
