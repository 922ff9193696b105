/**
 * Number and duration formatting for reports. Never toLocaleString or Intl: their output depends on
 * the machine's locale, and reports must be the same bytes everywhere (INV-DET extends to reports).
 */

const NA = '—';

/** Rounds to at most `digits` decimals and drops trailing zeros: 1.50 → "1.5", 2.000 → "2". */
export function trimNumber(n: number, digits = 2): string {
  if (!Number.isFinite(n)) return String(n);
  const s = n.toFixed(digits);
  const out = s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
  return out === '-0' ? '0' : out;
}

/** Integer with thousands separators: 1234567 → "1,234,567". Non-integers keep two decimals. */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || Number.isNaN(n)) return NA;
  if (!Number.isInteger(n)) return trimNumber(n, 2);
  const sign = n < 0 ? '-' : '';
  const digits = String(Math.abs(n));
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ',';
    out += digits[i];
  }
  return sign + out;
}

/** Short numbers for axis ticks: 0.25, 12, 1.5k, 3M. */
export function formatCompact(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e9) return trimNumber(n / 1e9, 2) + 'G';
  if (a >= 1e6) return trimNumber(n / 1e6, 2) + 'M';
  if (a >= 1e4) return trimNumber(n / 1e3, 1) + 'k';
  if (a >= 100) return trimNumber(n, 0);
  if (a >= 1) return trimNumber(n, 2);
  return trimNumber(n, 3);
}

const UNITS: ReadonlyArray<[number, string]> = [
  [1_000_000, 's'],
  [1_000, 'ms'],
  [1, 'µs'],
];

/** A duration in µs: about three significant digits below a minute (12.3ms, 1.5s), then the two
 *  largest units (1m15s, 3h28m, 2d6h). */
export function formatMicros(us: number | null | undefined): string {
  if (us === null || us === undefined || Number.isNaN(us)) return NA;
  if (us === 0) return '0';
  const a = Math.abs(us);
  if (a >= 59_500_000) return formatDurationShort(us);
  for (const [size, unit] of UNITS) {
    if (a >= size || size === 1) {
      const v = us / size;
      const av = Math.abs(v);
      return trimNumber(v, av >= 100 ? 0 : av >= 10 ? 1 : 2) + unit;
    }
  }
  return String(us);
}

/** A percentage with one decimal: 0.1234 → "12.3%" (ratio in). */
export function formatPercent(ratio: number | null | undefined, digits = 1): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return NA;
  return trimNumber(ratio * 100, digits) + '%';
}

/** A signed change: +12.5%, −3%, 0%. */
export function formatSignedPercent(pct: number | null | undefined): string {
  if (pct === null || pct === undefined || !Number.isFinite(pct)) return NA;
  const s = trimNumber(pct, 1);
  return pct > 0 && s !== '0' ? `+${s}%` : `${s}%`;
}

/** Rate in tokens or tasks per second: 5/s, 0.5/s. */
export function formatRate(perSec: number | null | undefined): string {
  if (perSec === null || perSec === undefined || Number.isNaN(perSec)) return NA;
  return `${formatCompact(perSec)}/s`;
}

/** A duration for axis ticks, in at most two units: 250ms, 1.5s, 1m15s, 1h30m, 2d6h. */
export function formatDurationShort(us: number): string {
  if (us === 0) return '0';
  if (Math.abs(us) < 59_500_000) return formatMicros(us);
  const parts: Array<[number, string]> = [
    [86_400_000_000, 'd'],
    [3_600_000_000, 'h'],
    [60_000_000, 'm'],
    [1_000_000, 's'],
  ];
  let rest = Math.round(Math.abs(us) / 1_000_000) * 1_000_000;
  const out: string[] = [];
  for (const [size, unit] of parts) {
    if (out.length === 2) break;
    const k = Math.floor(rest / size);
    if (k > 0 || out.length > 0) {
      if (k > 0) out.push(`${k}${unit}`);
      else break;
      rest -= k * size;
    }
  }
  return (us < 0 ? '-' : '') + out.join('');
}
