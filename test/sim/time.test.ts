import { describe, expect, it } from 'vitest';
import {
  DEFAULT_EPOCH_US,
  US_PER_D,
  US_PER_H,
  US_PER_M,
  US_PER_S,
  formatDuration,
  formatEpochSeconds,
  parseDuration,
  secondsToMicros,
} from '../../src/sim/time.js';

describe('virtual time', () => {
  it('parseDuration reads ms, s, m, h, d and bare seconds; refuses the rest', () => {
    expect(parseDuration('250ms')).toBe(250_000);
    expect(parseDuration('1.5s')).toBe(1_500_000);
    expect(parseDuration('2m')).toBe(2 * US_PER_M);
    expect(parseDuration('1h')).toBe(US_PER_H);
    expect(parseDuration('9d')).toBe(9 * US_PER_D);
    expect(parseDuration('3')).toBe(3 * US_PER_S);
    expect(parseDuration(0.25)).toBe(250_000);
    for (const bad of ['', '-1s', '1w', 's', '1 d x', '1e3s']) expect(parseDuration(bad)).toBeUndefined();
    expect(parseDuration(-1)).toBeUndefined();
    expect(parseDuration(Number.POSITIVE_INFINITY)).toBeUndefined();
  });

  it('durations come out as whole microseconds', () => {
    expect(parseDuration('0.0000001s')).toBe(0);
    expect(secondsToMicros(0.1)).toBe(100_000);
    expect(Number.isInteger(parseDuration('1.2345678s'))).toBe(true);
  });

  it('INV-DET the epoch is a fixed instant (2026-01-01T00:00:00Z), never the wall clock', () => {
    expect(new Date(DEFAULT_EPOCH_US / 1000).toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });

  it('formatDuration picks a readable unit', () => {
    expect(formatDuration(5)).toBe('5µs');
    expect(formatDuration(1500)).toBe('1.5ms');
    expect(formatDuration(2 * US_PER_S)).toBe('2s');
    expect(formatDuration(90 * US_PER_S)).toBe('1.5m');
    expect(formatDuration(3 * US_PER_H)).toBe('3h');
    expect(formatDuration(2 * US_PER_D)).toBe('2d');
  });

  it('formatEpochSeconds writes six fraction digits (HDR-5), the same text whatever was formatted before', () => {
    const cases: [number, string][] = [
      [1_767_225_600_000_000, '1767225600.000000'],
      [1_767_225_600_000_001, '1767225600.000001'],
      [1_767_225_601_234_567, '1767225601.234567'],
      [1_767_225_601_034_007, '1767225601.034007'],
      [999, '0.000999'],
      [1_000_000, '1.000000'],
      [2_999_999, '2.999999'],
    ];
    // In order, reversed and interleaved with a repeated value: remembered answers never leak into others.
    for (const order of [cases, [...cases].reverse()]) {
      for (const [us, text] of order) {
        expect(formatEpochSeconds(us)).toBe(text);
        expect(formatEpochSeconds(1_767_225_600_000_000)).toBe('1767225600.000000');
        expect(formatEpochSeconds(us)).toBe(text);
      }
    }
  });
});
