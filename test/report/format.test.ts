import { expect, test } from 'vitest';
import {
  formatCompact,
  formatCount,
  formatDurationShort,
  formatMicros,
  formatPercent,
  formatRate,
  formatSignedPercent,
  trimNumber,
} from '../../src/report/format.js';

test('numbers are formatted without the locale', () => {
  expect(formatCount(1234567)).toBe('1,234,567');
  expect(formatCount(-1000)).toBe('-1,000');
  expect(formatCount(999)).toBe('999');
  expect(formatCount(null)).toBe('—');
  expect(formatCount(2.345)).toBe('2.35');
  expect(trimNumber(1.5, 2)).toBe('1.5');
  expect(trimNumber(-0.0001, 2)).toBe('0');
  expect(formatCompact(12_500)).toBe('12.5k');
  expect(formatCompact(2_000_000)).toBe('2M');
  expect(formatCompact(0.25)).toBe('0.25');
  expect(formatPercent(0.1234)).toBe('12.3%');
  expect(formatSignedPercent(12.5)).toBe('+12.5%');
  expect(formatSignedPercent(-3)).toBe('-3%');
  expect(formatSignedPercent(0)).toBe('0%');
  expect(formatSignedPercent(null)).toBe('—');
  expect(formatRate(5)).toBe('5/s');
  expect(formatRate(1 / 60)).toBe('0.017/s');
});

test('durations in µs', () => {
  expect(formatMicros(0)).toBe('0');
  expect(formatMicros(12)).toBe('12µs');
  expect(formatMicros(12_345)).toBe('12.3ms');
  expect(formatMicros(416_000)).toBe('416ms');
  expect(formatMicros(1_500_000)).toBe('1.5s');
  expect(formatMicros(77_400_000)).toBe('1m17s');
  expect(formatMicros(3.5 * 3_600_000_000)).toBe('3h30m');
  expect(formatMicros(9 * 86_400_000_000)).toBe('9d');
  expect(formatMicros(null)).toBe('—');
  expect(formatDurationShort(15 * 60_000_000)).toBe('15m');
  expect(formatDurationShort(250_000)).toBe('250ms');
});
