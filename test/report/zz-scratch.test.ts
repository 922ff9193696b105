import { test } from 'vitest';
import { chromium } from 'playwright-core';
import { writeSimulationReport } from '../../src/report/simulation-report.js';
import { syntheticTrace } from './synthetic.js';
import { pathToFileURL } from 'node:url';
test('scratch', async () => {
  const summary = syntheticTrace().summarize();
  const w = await writeSimulationReport('/tmp/scratch-report', { scenario: 'burst-with-outage', seed: 7, traceHash: 'ab'.repeat(32), summary,
    invariants: [{ id: 'INV-ALO', status: 'pass', checked: 4045, violations: 0 }, { id: 'INV-HDR', status: 'fail', checked: 2978, violations: 2, examples: ['x <b>', { id: 1 }], note: 'n' }] });
  const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  const p = await b.newPage({ viewport: { width: 1440, height: 900 } });
  await p.goto(pathToFileURL(w.html).href);
  const h = await p.evaluate(() => (globalThis as any).document.body.scrollHeight);
  for (let y = 0, i = 0; y < h; y += 1300, i++) await p.screenshot({ path: `/tmp/shot-${i}.png`, fullPage: true, clip: { x: 0, y, width: 1440, height: Math.min(1300, h - y) } });
  console.log('height', h);
  await b.close();
});
