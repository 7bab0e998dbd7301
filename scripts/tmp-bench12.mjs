import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';
const server = await serve(0);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage();
await page.goto(`http://127.0.0.1:${server.address().port}/bench.html?runs=${process.env.RUNS ?? 3}&only=${process.env.ONLY ?? '12mp'}`);
await page.waitForFunction(() => window.benchResult, null, { timeout: 540_000, polling: 500 });
const r = await page.evaluate(() => window.benchResult);
await browser.close(); server.close();
if (r.error) { console.log(r.error); process.exit(1); }
for (const [name, s] of Object.entries(r.inputs)) {
  const flat = {};
  const walk = (o, p) => { for (const [k, v] of Object.entries(o)) { if (typeof v === 'number') flat[p + k] = v; else if (v && typeof v === 'object') walk(v, p + k + '.'); } };
  walk(s, '');
  console.log(name, Object.entries(flat).filter(([k]) => k.endsWith('_ms') || k.includes('groups')).map(([k, v]) => `${k}=${v.toFixed(1)}`).join(' '));
}
