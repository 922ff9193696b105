import { test } from 'vitest';
import { chromium } from 'playwright-core';
import { pathToFileURL } from 'node:url';
test('shots', async () => {
  const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  for (const name of (process.env.PAGES ?? '').split(',')) {
    const p = await b.newPage({ viewport: { width: 1440, height: 900 } });
    await p.goto(pathToFileURL(`/tmp/${name}/index.html`).href);
    const h = await p.evaluate(() => (globalThis as any).document.body.scrollHeight);
    for (let y = 0, i = 0; y < h; y += 1300, i++) await p.screenshot({ path: `/tmp/${name}-${i}.png`, fullPage: true, clip: { x: 0, y, width: 1440, height: Math.min(1300, h - y) } });
    console.log(name, 'height', h);
    await p.close();
  }
  await b.close();
});
