import { describe, expect, test } from 'vitest';
import {
  badge,
  chartCard,
  details,
  html,
  raw,
  renderPage,
  statTiles,
  table,
  type PageOptions,
} from '../../src/report/html.js';
import { lineChart } from '../../src/report/svg.js';
import { wellFormedProblems } from './well-formed.js';

function page(): PageOptions {
  const chart = lineChart({
    id: 'c1',
    title: 'A chart',
    x: { label: 'time', kind: 'time' },
    y: { label: 'n' },
    series: [
      {
        type: 'line',
        name: 's',
        points: [
          [0, 1],
          [1_000_000, 2],
        ],
      },
    ],
  });
  return {
    title: 'Report <script>alert(1)</script>',
    subtitle: 'a & b',
    meta: [
      ['Seed', '42'],
      ['Hash', html`<code>${'abc<def>'}</code>`],
    ],
    sections: [
      {
        title: 'Summary',
        lead: 'Lead "quoted"',
        body: [
          statTiles([{ label: 'Tasks', value: '1,000', hint: '<hint>', tone: 'pass' }]),
          chartCard(chart, 'caption & note'),
        ],
      },
      {
        title: 'Rows',
        body: table({
          columns: ['Name', { label: 'Value', align: 'right' }],
          rows: [
            ['<b>bold?</b>', 3],
            [badge('fail', 'fail'), details('2 examples', html`<pre>${'x < y'}</pre>`)],
          ],
          rowClass: (i) => (i === 1 ? 'bad' : undefined),
        }),
      },
      { title: 'Summary', body: 'duplicate title gets its own anchor' },
    ],
  };
}

describe('renderPage', () => {
  test('is a well-formed, self-contained page', () => {
    const out = renderPage(page());
    expect(out.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(wellFormedProblems(out, 'html')).toEqual([]);
    expect(out).toContain('<style>');
    expect(out).not.toMatch(/<script/i);
    expect(out).not.toMatch(/<link/i);
    expect(out).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/); // no URL but the SVG namespace
    expect(out).toContain("default-src 'none'"); // and the browser is told so
  });

  test('escapes every string, inserts SafeHtml as is', () => {
    const out = renderPage(page());
    expect(out).toContain('<title>Report &lt;script&gt;alert(1)&lt;/script&gt;</title>');
    expect(out).toContain('&lt;b&gt;bold?&lt;/b&gt;');
    expect(out).toContain('<code>abc&lt;def&gt;</code>');
    expect(out).toContain('&lt;hint&gt;');
    expect(out).toContain('<pre>x &lt; y</pre>');
    expect(out).toContain('<span class="badge badge-fail">fail</span>');
    expect(out).toContain('caption &amp; note');
    expect(out).toContain('<tr class="bad">');
    expect(html`<i>${raw('<b>ok</b>')}</i>`.__html).toBe('<i><b>ok</b></i>');
  });

  test('sections get unique anchors and a contents bar', () => {
    const out = renderPage(page());
    expect(out).toContain('<section id="summary">');
    expect(out).toContain('<section id="summary-2">');
    expect(out).toContain('<a href="#rows">Rows</a>');
  });

  test('same input, same bytes', () => {
    expect(renderPage(page())).toBe(renderPage(page()));
  });
});
