import FakeTimers from '@sinonjs/fake-timers';
import { describe, expect, test } from 'vitest';
import {
  createProgress,
  formatSeconds,
  progressEnabled,
  renderLine,
  type ProgressClock,
  type ProgressStream,
} from '../../src/report/progress.js';

/** A terminal as the bar sees one: isTTY, a width, and every chunk written. */
class FakeTty implements ProgressStream {
  chunks: string[] = [];
  constructor(
    public isTTY = true,
    public columns = 120,
  ) {}
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return true;
  }
}

const ERASE = '\r\u001b[K';

function fakeClock(): { clock: ProgressClock; tick: (ms: number) => void } {
  const c = FakeTimers.createClock(0);
  return {
    clock: {
      now: () => c.now,
      setInterval: (fn, ms) => c.setInterval(fn, ms),
      clearInterval: (id) => c.clearInterval(id as number),
    },
    tick: (ms) => void c.tick(ms),
  };
}

describe('progress bar on a TTY', () => {
  test('redraws four times a second with percent, rate, elapsed and ETA; phases are labelled and timed; stop clears the line', () => {
    const tty = new FakeTty();
    const { clock, tick } = fakeClock();
    const p = createProgress({ enabled: true, stream: tty, clock });
    p.start('simulate', 1000, 'tasks');
    expect(tty.chunks).toEqual([]); // nothing to show before the first update or tick
    p.update(250, '1,000 events');
    expect(tty.chunks).toHaveLength(1); // the first update draws at once (the timer was not due yet)
    tick(1000); // timer at 250, 500, 750, 1000 ms
    expect(tty.chunks).toHaveLength(5);
    expect(tty.chunks.every((c) => c.startsWith('\r') && c.endsWith('\u001b[K'))).toBe(true);
    // At 1 s: 250 of 1,000 done → 250/s, 750 left → ETA 3 s.
    expect(tty.chunks[4]).toContain(' 25% 250/1,000 tasks · 250/s · 1.0s · ETA 3.0s  1,000 events');
    expect(tty.chunks[4]).toMatch(/^\rsimulate \[█+░+\]/);

    p.phase('INV-DET re-run', 500, 'events');
    p.update(250);
    tick(500); // redraws at 1250 and 1500 ms; the phase began at 1000: 250 in 0.5 s → 500/s
    const last = tty.chunks.at(-1)!;
    expect(last).toContain('INV-DET re-run [');
    expect(last).toContain(' 50% 250/500 events · 500/s · 0.5s · ETA 0.5s');

    p.stop();
    expect(tty.chunks.at(-1)).toBe(ERASE);
    const written = tty.chunks.length;
    tick(5000);
    p.update(400);
    p.stop();
    expect(tty.chunks).toHaveLength(written); // the timer is gone; stop is idempotent
    expect(p.phases()).toEqual([
      { label: 'simulate', ms: 1000 },
      { label: 'INV-DET re-run', ms: 500 },
    ]);
  });

  test('a terminal that reports 0 columns (an unsized pty) gets a bar 80 columns wide, not a bare label', () => {
    const tty = new FakeTty(true, 0);
    const { clock } = fakeClock();
    const p = createProgress({ enabled: true, stream: tty, clock });
    p.start('simulate', 1000, 'tasks');
    p.update(500);
    const line = tty.chunks[0]!.slice(1, -'\u001b[K'.length);
    expect(line).toContain(' 50% 500/1,000 tasks');
    expect(line).toMatch(/^simulate \[█+░+\]/);
    expect([...line].length).toBeLessThanOrEqual(79); // one column short of 80, so `\r` still overwrites it
    p.stop();
  });

  test('clear erases the bar so other output can go above it; the next redraw brings it back', () => {
    const tty = new FakeTty();
    const { clock, tick } = fakeClock();
    const p = createProgress({ enabled: true, stream: tty, clock });
    p.start('conform', undefined, 'cases');
    p.clear();
    expect(tty.chunks).toEqual([]); // nothing shown, nothing to erase
    p.update(3);
    p.clear();
    expect(tty.chunks.at(-1)).toBe(ERASE);
    tick(250);
    // No total: the count, the rate and the elapsed time only.
    expect(tty.chunks.at(-1)).toBe('\rconform  3 cases · 12/s · 0.3s\u001b[K');
    p.stop();
  });

  test('the timer skips a redraw that update has just made', () => {
    const tty = new FakeTty();
    const { clock, tick } = fakeClock();
    const p = createProgress({ enabled: true, stream: tty, clock });
    p.start('simulate', 10, 'tasks');
    tick(200);
    p.update(1); // overdue: drawn at 200 ms
    tick(50); // the timer at 250 ms: drawn 50 ms ago, skipped
    expect(tty.chunks).toHaveLength(1);
    tick(250); // at 500 ms: 300 ms since the last draw
    expect(tty.chunks).toHaveLength(2);
    p.stop();
  });

  test('work that never yields to the event loop still redraws, from update, at most once per period', () => {
    const tty = new FakeTty();
    const { clock } = fakeClock();
    let now = 0;
    const busy: ProgressClock = { ...clock, now: () => now }; // time passes, timers never fire
    const p = createProgress({ enabled: true, stream: tty, clock: busy });
    p.start('fuzz reference', 1000, 'runs');
    for (let i = 1; i <= 1000; i++) {
      now = i; // 1 ms per run: 1 s in all
      p.update(i, '0 failed');
    }
    expect(tty.chunks).toHaveLength(4); // at 1, 251, 501 and 751 ms
    expect(tty.chunks[3]).toContain(' 75% 751/1,000 runs');
    p.stop();
  });
});

describe('progress bar off', () => {
  test('disabled (not a TTY, CI, --json): writes nothing, even as the timer would tick, yet still times phases', () => {
    const tty = new FakeTty(false);
    const { clock, tick } = fakeClock();
    const p = createProgress({ enabled: progressEnabled(tty, {}, false), stream: tty, clock });
    p.start('simulate', 10, 'tasks');
    p.update(5);
    tick(2000);
    p.phase('report');
    tick(300);
    p.clear();
    p.stop();
    expect(tty.chunks).toEqual([]);
    expect(p.phases()).toEqual([
      { label: 'simulate', ms: 2000 },
      { label: 'report', ms: 300 },
    ]);
  });

  test('shown only on a TTY, outside CI, without --json', () => {
    expect(progressEnabled(new FakeTty(true), {}, false)).toBe(true);
    expect(progressEnabled(new FakeTty(false), {}, false)).toBe(false);
    expect(progressEnabled(new FakeTty(true), { CI: 'true' }, false)).toBe(false);
    expect(progressEnabled(new FakeTty(true), { CI: '1' }, false)).toBe(false);
    expect(progressEnabled(new FakeTty(true), { CI: 'false' }, false)).toBe(true);
    expect(progressEnabled(new FakeTty(true), {}, true)).toBe(false);
  });
});

describe('the line', () => {
  test('fits the terminal, so \\r can overwrite it', () => {
    const state = {
      label: 'simulate',
      done: 250_000,
      total: 1_000_000,
      unit: 'tasks',
      elapsedMs: 10_000,
      extra: '1,234,567 events · 12.5m virtual',
    };
    const line = renderLine(state, 80);
    expect([...line].length).toBeLessThanOrEqual(79);
    expect(line.endsWith('…')).toBe(true); // cut, not wrapped
    // Wide enough: 25,000/s, ETA 750,000 / 25,000 = 30 s.
    expect(renderLine(state, 200)).toContain(
      ' 25% 250,000/1,000,000 tasks · 25,000/s · 10s · ETA 30s  1,234,567 events',
    );
    expect([...renderLine({ ...state, label: 'a very long label '.repeat(10) }, 40)].length).toBeLessThanOrEqual(39);
  });

  test('done: 100% and no ETA', () => {
    const line = renderLine({ label: 'x', done: 10, total: 10, unit: '', elapsedMs: 2000 }, 120);
    expect(line).toContain('100% 10/10 · 5/s · 2.0s');
    expect(line).not.toContain('ETA');
  });

  test('durations read as a person would write them', () => {
    expect(formatSeconds(0.25)).toBe('0.3s');
    expect(formatSeconds(42.4)).toBe('42s');
    expect(formatSeconds(125)).toBe('2m05s');
    expect(formatSeconds(3725)).toBe('1h02m');
    expect(formatSeconds(Infinity)).toBe('?');
  });
});
