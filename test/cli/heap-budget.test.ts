import { describe, expect, it } from 'vitest';
import { HeapBudget } from '../../src/cli/heap-budget.js';

const MiB = 1024 * 1024;

describe('HeapBudget (the CLI holds a long run near its live heap)', () => {
  it('collects once the heap grew past the budget, and not again until it grows that much more', () => {
    const budget = new HeapBudget(8 * MiB);
    // Measured from a live size, not from whatever garbage the files before this one left in the worker's
    // heap (a collection of that garbage would hide the growth below).
    budget.collect();
    budget.check();
    expect(budget.collections).toBe(1); // nothing grew yet
    // 32 MiB held live: past the 8 MiB budget whatever the collector did meanwhile.
    const held = Array.from({ length: 32 }, () => new Array<number>(MiB / 8).fill(1.5)); // on the JS heap (a typed array's store is not);
    budget.check();
    expect(budget.collections).toBe(2);
    // The live size was measured after that collection: the same heap is within budget now.
    budget.check();
    expect(budget.collections).toBe(2);
    expect(held.length).toBe(32);
  });

  it('collect() always collects and measures the live size after it', () => {
    const budget = new HeapBudget(1024 * MiB);
    budget.collect();
    budget.collect();
    expect(budget.collections).toBe(2);
  });
});
