import { describe, expect, test } from 'vitest';
import { BucketGrid, CountSeries, LevelSeries } from '../../src/report/buckets.js';
import { PeriodTracker } from '../../src/report/periods.js';
import { TaskTable } from '../../src/report/task-table.js';
import { Random } from '../../src/sim/random.js';
import { MS, S, TraceBuilder, pushQueue } from './trace-builder.js';

describe('BucketGrid', () => {
  test('doubles its width whenever an event falls past the last bucket', () => {
    const g = new BucketGrid(600, 100 * MS);
    expect(g.indexOf(59.9 * S)).toBe(599);
    expect(g.widthUs).toBe(100 * MS);
    expect(g.indexOf(60 * S)).toBe(300);
    expect(g.widthUs).toBe(200 * MS);
    expect(g.indexOf(1000 * S)).toBe(312); // 1000 s needs 3.2 s buckets: 1.6 s would make 625
    expect(g.widthUs).toBe(3200 * MS);
    expect(g.generation).toBe(5);
    expect(g.count).toBeLessThanOrEqual(600);
  });
});

describe('series merge in pairs and keep totals exact', () => {
  test('CountSeries sums, LevelSeries keeps the extreme', () => {
    const g = new BucketGrid(4, 10);
    const c = new CountSeries(g);
    const hi = new LevelSeries(g, 'max');
    const lo = new LevelSeries(g, 'min', 5);
    const put = (t: number, level: number): void => {
      const i = g.indexOf(t);
      c.add(i);
      hi.set(i, level);
      lo.set(i, level);
    };
    put(0, 1);
    put(15, 4);
    put(25, 2);
    put(35, 3); // buckets of 10: counts [1,1,1,1]
    expect(c.toArray(4)).toEqual([1, 1, 1, 1]);
    put(45, 0); // width 20: [2, 2, 1]
    expect(g.widthUs).toBe(20);
    expect(c.toArray(3)).toEqual([2, 2, 1]);
    // Width 10: [1, 4, 4 (4 carried in, then 2), 3]; merged: [4, 4], then 3 carried into the new bucket.
    expect(hi.toArray(3)).toEqual([4, 4, 3]);
    expect(lo.toArray(3)).toEqual([1, 2, 0]);
  });

  test('random traces: merged buckets equal a direct count at the final width', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const rnd = new Random(seed);
      const b = new TraceBuilder().config([pushQueue('default')]);
      let t = 0;
      let id = 0;
      const live: number[] = [];
      const inFlight: number[] = [];
      const n = 300 + rnd.int(0, 700);
      for (let k = 0; k < n; k++) {
        t += rnd.int(0, 3) === 0 ? rnd.int(0, 20 * S) : rnd.int(0, 200 * MS);
        const r = rnd.int(0, 3);
        if (r === 0 || live.length === 0) {
          b.add(t, id);
          live.push(id++);
        } else if (r === 1 && live.length > inFlight.length) {
          const task = live.find((x) => !inFlight.includes(x))!;
          b.dispatch(t, task);
          inFlight.push(task);
        } else if (r === 2 && inFlight.length) {
          const task = inFlight.shift()!;
          b.response(t, task).success(t, task);
          live.splice(live.indexOf(task), 1);
        } else {
          b.add(t, id);
          live.push(id++);
        }
      }
      const events = b.sorted();
      for (const maxBuckets of [8, 64, 600]) {
        const s = b.summarize({ maxBuckets });
        expect(s.buckets).toBeLessThanOrEqual(maxBuckets);
        const w = s.bucketUs;
        expect(Math.log2(w / (100 * MS)) % 1).toBe(0);
        const B = s.buckets;
        // Direct computation at the final width.
        const dispatches = new Array<number>(B).fill(0);
        const depth = new Array<number>(B).fill(-Infinity);
        const inflight = new Array<number>(B).fill(-Infinity);
        let d = 0;
        let f = 0;
        let last = 0;
        depth[0] = 0;
        inflight[0] = 0;
        const carry = (to: number): void => {
          for (let k = last + 1; k <= to; k++) {
            depth[k] = Math.max(depth[k], d);
            inflight[k] = Math.max(inflight[k], f);
          }
          if (to > last) last = to;
        };
        for (const ev of events) {
          const i = Math.floor(ev.t / w);
          carry(i);
          if (ev.e === 'add') d++;
          if (ev.e === 'success') d--;
          if (ev.e === 'dispatch') {
            f++;
            dispatches[i]++;
          }
          if (ev.e === 'response') f--;
          depth[i] = Math.max(depth[i], d);
          inflight[i] = Math.max(inflight[i], f);
        }
        carry(B - 1);
        const q = s.queues[0];
        expect(q.series.dispatches, `seed ${seed} buckets ${maxBuckets}`).toEqual(dispatches);
        expect(q.series.depthMax, `seed ${seed} buckets ${maxBuckets}`).toEqual(depth);
        expect(q.series.inFlightMax, `seed ${seed} buckets ${maxBuckets}`).toEqual(inflight);
        expect(q.series.dispatches.reduce((a, v) => a + v, 0)).toBe(q.counts.dispatched);
        expect(q.series.adds.reduce((a, v) => a + v, 0)).toBe(q.counts.added);
        expect(q.depthMax).toBe(Math.max(...depth));
      }
    }
  });
});

describe('PeriodTracker', () => {
  test('ignores repeated begins and stray ends; reports an open period up to now', () => {
    const p = new PeriodTracker(new BucketGrid(600, 10));
    p.end(5);
    p.begin(100);
    p.begin(150);
    p.end(300);
    p.begin(1000);
    expect(p.summary(1500)).toEqual({
      count: 2,
      totalUs: 700,
      openAtEnd: true,
      ranges: [
        [100, 300],
        [1000, 1500],
      ],
    });
    expect(p.isOpen).toBe(true);
  });

  test('keeps a bounded number of ranges however many periods there are', () => {
    const grid = new BucketGrid(600, 100 * MS);
    const p = new PeriodTracker(grid);
    let t = 0;
    for (let k = 0; k < 100_000; k++) {
      grid.indexOf(t + 3 * S);
      p.begin(t + 1 * S);
      p.end(t + 2 * S);
      t += 3 * S;
    }
    const s = p.summary(t);
    expect(s.count).toBe(100_000);
    expect(s.totalUs).toBe(100_000 * S);
    expect(s.ranges.length).toBeLessThanOrEqual(2 * 601);
  });
});

describe('TaskTable', () => {
  test('dense ids in a typed array, others in a map; both behave the same', () => {
    const t = new TaskTable();
    t.set(0, 10);
    t.set(5, 50);
    t.set(1_000_000, 7); // far past the dense part: goes to the map
    t.set(-3, 1);
    t.set(2.5, 2);
    expect([t.get(0), t.get(5), t.get(1_000_000), t.get(-3), t.get(2.5), t.get(6)]).toEqual([
      10,
      50,
      7,
      1,
      2,
      undefined,
    ]);
    expect(t.size).toBe(5);
    // Grow the dense part past an id that went to the map: it is still found, and updated in place.
    for (let id = 0; id < 1_100_000; id += 1000) if (id !== 1_000_000) t.set(id, id);
    expect(t.get(1_000_000)).toBe(7);
    t.set(1_000_000, 8);
    expect(t.get(1_000_000)).toBe(8);
    expect(t.delete(1_000_000)).toBe(true);
    expect(t.has(1_000_000)).toBe(false);
    expect(t.delete(1_000_000)).toBe(false);
    expect(t.delete(5)).toBe(true);
    expect(t.get(5)).toBeUndefined();
    t.set(0, 0); // zero is a value, not "absent"
    expect(t.has(0)).toBe(true);
  });
});
