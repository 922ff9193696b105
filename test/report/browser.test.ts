/**
 * Opens a written simulation report in headless Chromium: every chart renders with a size, there are
 * no console errors and no network requests (the page is self-contained), and a screenshot is saved to
 * reports/screenshots/simulation.png for people to look at.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, describe, expect, test } from 'vitest';
import { writeSimulationReport } from '../../src/report/simulation-report.js';
import { syntheticTrace } from './synthetic.js';

// Runs inside the page (the project's tsconfig has no DOM lib).
declare const DOMParser: new () => {
  parseFromString(text: string, type: string): { querySelector(sel: string): { textContent: string | null } | null };
};

// TASKSIM_CHROMIUM overrides the path (used to check the failure message below); CI uses Debian's.
const CHROMIUM = process.env.TASKSIM_CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOT_DIR = resolve('reports/screenshots');

async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} not found: the browser test needs Debian's chromium. Install it with ` +
        '`apt-get update && apt-get install -y chromium` (the CI script does this).',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Without Chromium the test is skipped on a developer's machine, with the reason printed; under CI it
 * runs and fails with what to install, so CI never passes without the browser check.
 */
const SKIP_REASON =
  !existsSync(CHROMIUM) && !process.env.CI
    ? `skipped: ${CHROMIUM} not found (apt-get install -y chromium, or set TASKSIM_CHROMIUM); under CI=1 this fails instead`
    : undefined;
if (SKIP_REASON) process.stderr.write(`test/report/browser.test.ts: ${SKIP_REASON}\n`);

describe('simulation report in a browser', () => {
  let browser: Browser | undefined;
  let dir: string | undefined;

  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test.skipIf(SKIP_REASON !== undefined)(
    `renders every chart, offline, without errors${SKIP_REASON ? ` (${SKIP_REASON})` : ''}`,
    async () => {
      // In the test, not in a hook: under CI a missing browser fails this test.
      browser = await launch();
      dir = await mkdtemp(join(tmpdir(), 'tasksim-report-'));
      const summary = syntheticTrace().summarize();
      const written = await writeSimulationReport(dir, {
        scenario: 'burst-with-outage',
        seed: 7,
        traceHash: 'c0ffee'.repeat(10) + 'c0ff',
        summary,
        invariants: [
          { id: 'INV-ALO', status: 'pass', checked: 4045, violations: 0 },
          { id: 'INV-RATE', status: 'pass', checked: 1500, violations: 0 },
          {
            id: 'INV-HDR',
            status: 'fail',
            checked: 2978,
            violations: 2,
            examples: [
              'task-17 attempt 2: X-AppEngine-TaskExecutionCount 0, expected 1 (HDR-4)',
              { id: 99, rule: 'HDR-6' },
            ],
            note: 'seeded fault for the demo',
          },
          { id: 'INV-LEASE', status: 'skip', checked: 0, violations: 0, note: 'no pull adapter' },
        ],
      });

      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      const consoleErrors: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') consoleErrors.push(m.text());
      });
      page.on('pageerror', (e) => consoleErrors.push(String(e)));
      page.on('request', (r) => {
        if (!r.url().startsWith('file:')) requests.push(r.url());
      });

      const url = pathToFileURL(written.html).href;
      await page.goto(url, { waitUntil: 'load' });

      const charts = await page.$$eval('svg.chart', (svgs) =>
        svgs.map((s) => {
          const r = s.getBoundingClientRect();
          return { id: s.id, width: r.width, height: r.height, title: s.querySelector('title')?.textContent ?? '' };
        }),
      );
      // Summary (4) + per push queue (5 × 2) + pull queue (5).
      expect(charts.length).toBe(19);
      for (const c of charts) {
        expect(c.width, c.id).toBeGreaterThan(100);
        expect(c.height, c.id).toBeGreaterThan(50);
        expect(c.title, c.id).not.toBe('');
      }
      // Every inline SVG parses as XML on its own (well-formed, properly escaped).
      const parseErrors = await page.$$eval('svg.chart', (svgs) =>
        svgs
          .map(
            (s) =>
              new DOMParser().parseFromString(s.outerHTML, 'image/svg+xml').querySelector('parsererror')?.textContent ??
              '',
          )
          .filter(Boolean),
      );
      expect(parseErrors).toEqual([]);
      const ids = charts.map((c) => c.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(await page.locator('#invariants table tbody tr').count()).toBe(4);

      expect(consoleErrors).toEqual([]);
      expect(requests).toEqual([]);

      await mkdir(SCREENSHOT_DIR, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'simulation.png'), fullPage: true });
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'simulation-top.png') });
      await page.close();
    },
  );
});
