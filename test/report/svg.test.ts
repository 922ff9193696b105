import { describe, expect, test } from 'vitest';
import { barChart, cdfChart, escapeXml, lineChart, type LineChartOptions } from '../../src/report/svg.js';
import { wellFormedProblems } from './well-formed.js';

const S = 1_000_000;

function sampleLine(overrides: Partial<LineChartOptions> = {}): LineChartOptions {
  return {
    id: 'rate',
    title: 'Dispatch rate — "q" <default> & co',
    x: { label: 'virtual time', kind: 'time' },
    y: { label: 'per second' },
    series: [
      { type: 'step', name: 'dispatches/s', x0: 0, dx: 100_000, values: [1, 5, 3, NaN, 4, 2] },
      {
        type: 'line',
        name: 'adds <raw>',
        points: [
          [0, 2],
          [300_000, 4],
          [600_000, 1],
        ],
      },
    ],
    refLines: [
      { y: 5, label: 'configured rate 5/s' },
      { y: 5.2, label: 'ceiling & more' },
    ],
    shaded: [
      {
        label: 'throttled',
        color: '#f59e0b',
        ranges: [
          [100_000, 200_000],
          [400_000, 400_001],
        ],
      },
      { label: 'outage', color: '#dc2626', ranges: [] },
    ],
    ...overrides,
  };
}

/** Text content between tags, entities decoded: what a reader sees. */
function visibleText(svg: string): string {
  let out = '';
  let inTag = false;
  for (const c of svg) {
    if (c === '<') inTag = true;
    else if (c === '>') {
      inTag = false;
      out += ' ';
    } else if (!inTag) out += c;
  }
  return out
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&amp;', '&');
}

describe('svg charts', () => {
  test('escapeXml escapes markup characters and drops control characters', () => {
    expect(escapeXml(`<a href="x">&'</a>\u0001\n`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;\n');
  });

  test('line chart: well-formed, escaped, accessible', () => {
    const svg = lineChart(sampleLine());
    expect(wellFormedProblems(svg)).toEqual([]);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('role="img"');
    expect(svg).toContain('aria-labelledby="rate-title rate-desc"');
    expect(svg).toContain('<title id="rate-title">Dispatch rate — &quot;q&quot; &lt;default&gt; &amp; co</title>');
    expect(svg).not.toContain('<default>');
    expect(svg).not.toContain('<raw>');
    const text = visibleText(svg);
    expect(text).toContain('adds <raw>');
    expect(text).toContain('configured rate 5/s');
    expect(text).toContain('ceiling & more');
    expect(text).toContain('virtual time (s)');
    expect(text).not.toContain('outage'); // an empty shaded group gets no legend entry
  });

  test('line chart: step values become horizontal runs, NaN leaves a gap, shaded ranges are drawn', () => {
    const svg = lineChart(sampleLine());
    const stepPath = /<path d="(M[^"]*)" fill="none" stroke="#2563eb"/.exec(svg)![1];
    expect(stepPath.split('M').length - 1).toBe(2); // two runs around the NaN
    expect(stepPath.split('H').length - 1).toBe(5); // five finite buckets
    const shaded = svg.slice(svg.indexOf('<g class="shaded"'), svg.indexOf('</g>', svg.indexOf('<g class="shaded"')));
    expect(shaded.split('<rect').length - 1).toBe(2);
    expect(shaded).toMatch(/width="(1|[1-9]\d*(\.\d+)?)"/); // a 1 µs period is still at least a pixel wide
  });

  test('same input, same bytes', () => {
    expect(lineChart(sampleLine())).toBe(lineChart(sampleLine()));
    const bars = {
      id: 'b',
      title: 't',
      x: { label: 'attempt' },
      y: { label: 'tasks' },
      bars: [{ label: '1', value: 3 }],
    };
    expect(barChart(bars)).toBe(barChart(bars));
  });

  test('an empty chart says so and is still well-formed', () => {
    const svg = lineChart({ id: 'e', title: 'Empty', x: { label: 'x', kind: 'time' }, y: { label: 'y' }, series: [] });
    expect(wellFormedProblems(svg)).toEqual([]);
    expect(visibleText(svg)).toContain('No data');
    const cdf = cdfChart({ id: 'c', title: 'Empty CDF', x: { label: 'latency' }, points: [] });
    expect(wellFormedProblems(cdf)).toEqual([]);
    expect(visibleText(cdf)).toContain('No data');
  });

  test('bar chart: one bar per category, labels thinned when crowded', () => {
    const bars = Array.from({ length: 40 }, (_, i) => ({ label: `attempt-${i + 1}`, value: 40 - i }));
    const svg = barChart({
      id: 'att',
      title: 'Attempts <per> task',
      x: { label: 'attempt' },
      y: { label: 'tasks' },
      bars,
    });
    expect(wellFormedProblems(svg)).toEqual([]);
    const barGroup = svg.slice(svg.indexOf('<g class="bars"'), svg.indexOf('</g>', svg.indexOf('<g class="bars"')));
    expect(barGroup.split('<rect').length - 1).toBe(40);
    const shown = bars.filter((b) =>
      visibleText(svg.slice(svg.indexOf('</g>', svg.indexOf('<g class="bars"')))).includes(` ${b.label} `),
    );
    expect(shown.length).toBeGreaterThan(3);
    expect(shown.length).toBeLessThan(40);
  });

  test('CDF chart: percentile marks, log axis for wide ranges, linear for narrow ones', () => {
    const points: Array<[number, number]> = [
      [1_000, 0],
      [10_000, 50],
      [100_000, 90],
      [2 * S, 99],
      [30 * S, 100],
    ];
    const marks = [
      { percentile: 50, value: 10_000 },
      { percentile: 90, value: 100_000 },
      { percentile: 99, value: 2 * S },
      { percentile: 99.9, value: 29 * S },
    ];
    const wide = cdfChart({ id: 'lat', title: 'Latency', x: { label: 'latency', kind: 'duration' }, points, marks });
    expect(wellFormedProblems(wide)).toEqual([]);
    const text = visibleText(wide);
    expect(text).toContain('log scale');
    for (const m of ['p50 10ms', 'p90 100ms', 'p99 2s', 'p99.9 29s']) expect(text).toContain(m);
    expect(wide.split('stroke-dasharray="3 3"').length - 1).toBe(4); // one drop line per mark
    const narrow = cdfChart({
      id: 'n',
      title: 'Narrow',
      x: { label: 'latency', kind: 'duration' },
      points: [
        [10_000, 0],
        [20_000, 50],
        [40_000, 100],
      ],
    });
    expect(visibleText(narrow)).not.toContain('log scale');
    expect(visibleText(narrow)).toContain('40ms');
  });
});
