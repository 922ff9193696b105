import { describe, expect, test } from 'vitest';
import { createProgress, progressEnabled, renderLine, type ProgressStream } from '../../src/report/progress.js';

class FakeStream implements ProgressStream {
  chunks: string[] = [];
  constructor(
    public isTTY = true,
    public columns = 80,
  ) {}
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return true;
  }
}

describe('progress bar', () => {
  test('redraws at most ~10 times a second', () => {
    const stream = new FakeStream();
    let now = 0;
    const p = createProgress({ total: 1000, label: 'simulate', stream, enabled: true, now: () => now });
    for (let i = 0; i < 1000; i++) {
      now = i; // 1 ms per update: 1 s in all
      p.update(i);
    }
    expect(stream.chunks.length).toBe(10);
    expect(stream.chunks.every((c) => c.startsWith('\r'))).toBe(true);
    p.finish();
    expect(stream.chunks.at(-2)).toContain('100%');
    expect(stream.chunks.at(-1)).toBe('\n');
    p.finish();
    p.update(5);
    expect(stream.chunks.length).toBe(12); // finish is idempotent, updates after it are ignored
  });

  test('disabled: writes nothing', () => {
    const stream = new FakeStream();
    const p = createProgress({ total: 10, label: 'x', stream, enabled: false });
    p.update(5);
    p.finish();
    expect(stream.chunks).toEqual([]);
  });

  test('shown only on a TTY, outside CI, without --json', () => {
    expect(progressEnabled(new FakeStream(true), {}, false)).toBe(true);
    expect(progressEnabled(new FakeStream(false), {}, false)).toBe(false);
    expect(progressEnabled(new FakeStream(true), { CI: 'true' }, false)).toBe(false);
    expect(progressEnabled(new FakeStream(true), { CI: '1' }, false)).toBe(false);
    expect(progressEnabled(new FakeStream(true), { CI: 'false' }, false)).toBe(true);
    expect(progressEnabled(new FakeStream(true), {}, true)).toBe(false);
  });

  test('the line fits the terminal and shows counts and the extra note', () => {
    const line = renderLine('simulate', 250_000, 1_000_000, 't=12.5s', 80);
    expect(line).toContain(' 25% 250,000/1,000,000  t=12.5s');
    expect([...line].length).toBeLessThanOrEqual(79);
    expect([...renderLine('a very long label '.repeat(10), 1, 2, undefined, 40)].length).toBeLessThanOrEqual(39);
    expect(renderLine('events', 1234, undefined, undefined, 80)).toBe('events  1,234');
  });
});
