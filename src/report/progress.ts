/**
 * A one-line progress bar for stderr during long simulations. This is the CLI edge, not the
 * deterministic core, so wall time is fine here; it never touches stdout or the trace. Redraws are
 * throttled (~10 a second) so a 5M-event run spends nothing on drawing.
 */
import { formatCount } from './format.js';

/** What a progress bar writes to: process.stderr or a test double. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(chunk: string): unknown;
}

export interface ProgressOptions {
  /** Units of work in all (events, tasks); omit when unknown: only the count is shown. */
  total?: number;
  label: string;
  stream?: ProgressStream;
  /** Decide with `progressEnabled` (a TTY, not CI, not --json); disabled bars do nothing. */
  enabled: boolean;
  /** Milliseconds from any origin; default performance.now. Tests pass a fake clock. */
  now?: () => number;
  /** Least time between redraws; default 100 ms. */
  minIntervalMs?: number;
}

export interface Progress {
  /** Work done so far, and an optional short note (e.g. the virtual time reached). */
  update(done: number, extra?: string): void;
  /** Draws the final state and ends the line. Idempotent. */
  finish(extra?: string): void;
}

/** The rule for showing a bar: only to a person watching a terminal, never in CI or for --json. */
export function progressEnabled(
  stream: ProgressStream = process.stderr,
  env: Record<string, string | undefined> = process.env,
  json = false,
): boolean {
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI.toLowerCase() !== 'false';
  return Boolean(stream.isTTY) && !ci && !json;
}

const NOOP: Progress = { update() {}, finish() {} };
const CLEAR_TO_EOL = '\u001b[K';

export function createProgress(opts: ProgressOptions): Progress {
  if (!opts.enabled) return NOOP;
  const stream = opts.stream ?? process.stderr;
  const now = opts.now ?? (() => performance.now());
  const interval = opts.minIntervalMs ?? 100;
  let lastDraw = -Infinity;
  let done = 0;
  let extra: string | undefined;
  let finished = false;

  const draw = (): void => {
    stream.write(`\r${renderLine(opts.label, done, opts.total, extra, stream.columns ?? 80)}${CLEAR_TO_EOL}`);
  };

  return {
    update(d: number, x?: string): void {
      if (finished) return;
      done = d;
      extra = x;
      const t = now();
      if (t - lastDraw < interval) return;
      lastDraw = t;
      draw();
    },
    finish(x?: string): void {
      if (finished) return;
      finished = true;
      if (x !== undefined) extra = x;
      if (opts.total !== undefined) done = Math.max(done, opts.total);
      draw();
      stream.write('\n');
    },
  };
}

/** The text of one redraw, fitted to the terminal's width. Exported for tests. */
export function renderLine(label: string, done: number, total: number | undefined, extra: string | undefined, columns: number): string {
  const tail = extra ? `  ${extra}` : '';
  if (total === undefined || !(total > 0)) return fit(`${label}  ${formatCount(done)}${tail}`, columns);
  const ratio = Math.min(1, Math.max(0, done / total));
  const pct = `${String(Math.floor(ratio * 100)).padStart(3)}%`;
  const counts = `${formatCount(done)}/${formatCount(total)}`;
  const fixed = `${label} [] ${pct} ${counts}${tail}`;
  const barWidth = Math.max(0, Math.min(30, columns - 1 - fixed.length));
  const filled = Math.round(ratio * barWidth);
  const bar = '█'.repeat(filled) + '░'.repeat(barWidth - filled);
  return fit(`${label} [${bar}] ${pct} ${counts}${tail}`, columns);
}

/** Never wider than the terminal, or the line wraps and `\r` no longer overwrites it. */
function fit(line: string, columns: number): string {
  const max = Math.max(10, columns - 1);
  const chars = [...line];
  return chars.length <= max ? line : chars.slice(0, max - 1).join('') + '…';
}
