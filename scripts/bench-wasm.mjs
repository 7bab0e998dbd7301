// Browser half of scripts/bench: drive www/bench.html (the release package) in headless Chromium
// on the inputs the native bench wrote, and write target/bench/wasm.json. scripts/bench-report.mjs
// then puts native and WASM side by side.
import { mkdirSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';
import { measureMemory } from './memory-peak.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 3);
const server = await serve(0);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
const page = await browser.newPage();
page.on('console', (m) => { if (m.text().startsWith('wasm:')) console.error(m.text()); });
await page.goto(`http://127.0.0.1:${server.address().port}/bench.html?runs=${runs}`);
await page.waitForFunction(() => window.benchResult, null, { timeout: 540_000, polling: 500 });
const wasm = await page.evaluate(() => window.benchResult);
// The scalar build (webviews without SIMD) on the 12 MP photo, for its whole-pipeline time.
if (!wasm.error) {
  const scalarPage = await browser.newPage();
  await scalarPage.goto(`http://127.0.0.1:${server.address().port}/bench.html?runs=${runs}&build=scalar&only=12mp`);
  await scalarPage.waitForFunction(() => window.benchResult, null, { timeout: 540_000, polling: 500 });
  const scalar = await scalarPage.evaluate(() => window.benchResult);
  if (scalar.error) { console.error('scalar WASM bench failed:', scalar.error); process.exit(1); }
  wasm.scalar_12mp = scalar.inputs['12mp'];
}
// Peak memory on the product's path, each photo in a fresh instance (scripts/memory-peak.mjs).
if (!wasm.error) wasm.product_memory = await measureMemory(browser, `http://127.0.0.1:${server.address().port}`);
const chromiumVersion = browser.version();
await browser.close();
server.close();
if (wasm.error) { console.error('WASM bench failed:', wasm.error); process.exit(1); }
wasm.chromium = chromiumVersion;
mkdirSync('target/bench', { recursive: true });
writeFileSync('target/bench/wasm.json', JSON.stringify(wasm, null, 2));
console.error('→ target/bench/wasm.json');
