/**
 * One progress bar for long commands (simulate, fuzz, conform), on stderr. This is the CLI edge,
 * not the deterministic core: the wall clock and its timer live here, never in src/sim or src/model.
 *
 * A command runs in phases (`start`, then `phase` for each next one); each phase has a label, an
 * optional total, and its own rate and ETA. The bar is redrawn by a timer a few times a second, so
 * elapsed time and ETA move even while the work reports rarely; `update` records the numbers (and
 * redraws itself when the timer is overdue, for work that keeps the event loop busy).
 * `clear` erases the line (before a summary, or before other output is printed above the bar).
 * Phases are timed whether or not the bar is drawn: `phases()` gives each one's wall time.
 */
import { formatCount } from './format.js';

/** What a progress bar writes to: process.stderr or a test double. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(chunk: string): unknown;
}

/** The wall clock and its timer; tests pass a fake clock (@sinonjs/fake-timers). */
export interface ProgressClock {
  now(): number;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(id: unknown): void;
}

export interface ProgressOptions {
  /** Decide with `progressEnabled` (a TTY, not CI, not --json); a disabled bar draws nothing but still times phases. */
  enabled: boolean;
  stream?: ProgressStream;
  clock?: ProgressClock;
  /** Redraw period; default 250 ms (four times a second). */
  redrawMs?: number;
}

/** One finished (or current) phase and its wall time. */
export interface PhaseTime {
  label: string;
  ms: number;
}

export interface Progress {
  /** Begins the first phase: `total` units of `unit` (omit when unknown: the count alone is shown). */
  start(label: string, total?: number, unit?: string): void;
  /** Work done in this phase so far, and an optional short note (e.g. the virtual time reached). */
  update(done: number, extra?: string): void;
  /** Ends the current phase (its time is kept) and begins the next. */
  phase(label: string, total?: number, unit?: string): void;
  /** Erases the line; the timer keeps running, so the bar comes back on its next redraw. */
  clear(): void;
  /** Ends the last phase, stops the timer and erases the line. Idempotent. */
  stop(): void;
  /** Wall time of every phase so far, the current one up to now. */
  phases(): PhaseTime[];
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

const CLEAR_LINE = '\r\u001b[K';

const SYSTEM_CLOCK: ProgressClock = {
  now: () => performance.now(),
  setInterval: (fn, ms) => {
    const id = setInterval(fn, ms);
    id.unref(); // a bar never keeps the process alive
    return id;
  },
  clearInterval: (id) => clearInterval(id as NodeJS.Timeout),
};

interface Current {
  label: string;
  total: number | undefined;
  unit: string;
  startedAt: number;
  done: number;
  extra: string | undefined;
}

export function createProgress(opts: ProgressOptions): Progress {
  const stream = opts.stream ?? process.stderr;
  const clock = opts.clock ?? SYSTEM_CLOCK;
  const draw = opts.enabled;
  const finished: PhaseTime[] = [];
  let current: Current | undefined;
  let timer: unknown;
  let shown = false;
  let stopped = false;
  let lastDraw = -Infinity;
  const period = opts.redrawMs ?? 250;

  const redraw = (): void => {
    if (!current) return;
    lastDraw = clock.now();
    const elapsedMs = lastDraw - current.startedAt;
    // A terminal nobody sized (a bare pty, some CI runners) reports 0 columns: draw for 80.
    stream.write(`\r${renderLine({ ...current, elapsedMs }, stream.columns || 80)}\u001b[K`);
    shown = true;
  };
  const erase = (): void => {
    if (shown) stream.write(CLEAR_LINE);
    shown = false;
  };
  const begin = (label: string, total: number | undefined, unit: string | undefined): void => {
    if (stopped) return;
    if (current) finished.push({ label: current.label, ms: clock.now() - current.startedAt });
    current = { label, total, unit: unit ?? '', startedAt: clock.now(), done: 0, extra: undefined };
    // The timer skips a redraw that `update` has just made (after a long synchronous slice both are due).
    if (draw && timer === undefined)
      timer = clock.setInterval(() => clock.now() - lastDraw >= period / 2 && redraw(), period);
  };

  return {
    start: begin,
    phase: begin,
    update(done: number, extra?: string): void {
      if (!current || stopped) return;
      current.done = done;
      current.extra = extra;
      // Work that never yields to the event loop starves the timer: redraw from here when it is due.
      if (draw && clock.now() - lastDraw >= period) redraw();
    },
    clear: erase,
    stop(): void {
      if (stopped) return;
      if (current) finished.push({ label: current.label, ms: clock.now() - current.startedAt });
      current = undefined;
      stopped = true;
      if (timer !== undefined) clock.clearInterval(timer);
      timer = undefined;
      erase();
    },
    phases(): PhaseTime[] {
      return current ? [...finished, { label: current.label, ms: clock.now() - current.startedAt }] : [...finished];
    },
  };
}

export interface BarState {
  label: string;
  done: number;
  total: number | undefined;
  unit: string;
  elapsedMs: number;
  extra?: string;
}

/**
 * The text of one redraw, fitted to the terminal's width:
 * `label [████░░░░]  42% 420,000/1,000,000 tasks · 52,000/s · 8.1s · ETA 11s  extra`.
 * Exported for tests.
 */
export function renderLine(s: BarState, columns: number): string {
  const unit = s.unit ? ` ${s.unit}` : '';
  const seconds = s.elapsedMs / 1000;
  const rate = seconds > 0 ? s.done / seconds : 0;
  const parts = [`${formatCount(Math.round(rate))}/s`, formatSeconds(seconds)];
  const tail = s.extra ? `  ${s.extra}` : '';
  if (s.total === undefined || !(s.total > 0)) {
    return fit(`${s.label}  ${formatCount(s.done)}${unit} · ${parts.join(' · ')}${tail}`, columns);
  }
  const ratio = Math.min(1, Math.max(0, s.done / s.total));
  if (rate > 0 && ratio < 1) parts.push(`ETA ${formatSeconds((s.total - s.done) / rate)}`);
  const pct = `${String(Math.floor(ratio * 100)).padStart(3)}%`;
  const rest = `${pct} ${formatCount(s.done)}/${formatCount(s.total)}${unit} · ${parts.join(' · ')}${tail}`;
  const barWidth = Math.max(0, Math.min(30, columns - 1 - `${s.label} [] ${rest}`.length));
  const filled = Math.round(ratio * barWidth);
  return fit(`${s.label} [${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}] ${rest}`, columns);
}

/** 9.5s, 2m05s, 1h02m: short enough for a status line. */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** Never wider than the terminal, or the line wraps and `\r` no longer overwrites it. */
function fit(line: string, columns: number): string {
  const max = Math.max(10, columns - 1);
  const chars = [...line];
  return chars.length <= max ? line : chars.slice(0, max - 1).join('') + '…';
}
