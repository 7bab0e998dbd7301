// Drive www/bench.html in headless Chromium, then print native and WASM side by side with ratios
// and write target/bench/bench.json. Called by scripts/bench after the native bench.
import { readFileSync, writeFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 5);
const server = await serve(0);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
const page = await browser.newPage();
await page.goto(`http://127.0.0.1:${server.address().port}/bench.html?runs=${runs}`);
await page.waitForFunction(() => window.benchResult, null, { timeout: 540_000 });
const wasm = await page.evaluate(() => window.benchResult);
await browser.close();
server.close();
if (wasm.error) { console.error('WASM bench failed:', wasm.error); process.exit(1); }

const native = JSON.parse(readFileSync('target/bench/native.json', 'utf8'));
const sizes = {};
for (const f of ['pkg/gradphoto_bg.wasm', 'pkg/models/face_detection_short_range_w16.onnx', 'pkg/models/face_landmark_w16.onnx',
  'pkg/models/selfie_segmentation_fixed_w16.onnx', 'pkg/models/face_detection_full_range.onnx']) {
  const bytes = readFileSync(f);
  sizes[f] = { raw: statSync(f).size, gzip: gzipSync(bytes, { level: 9 }).length };
}
const total = Object.values(sizes).reduce((s, v) => ({ raw: s.raw + v.raw, gzip: s.gzip + v.gzip }), { raw: 0, gzip: 0 });

const f = (v) => (Number.isFinite(v) ? v.toFixed(1) : '–').padStart(9);
const r = (a, b) => (Number.isFinite(a / b) ? `${(a / b).toFixed(2)}×` : '–').padStart(7);
const rows = [['decode (image crate)', 'decode_ms'], ['working copy', 'working_copy_ms'], ['detect', 'detect_ms'], ['mesh (2 passes)', 'mesh_ms'],
  ['segment', 'segment_ms'], ['whole analyze', 'analyze_ms'], ['live-guide analyze', 'live_ms'], ['all checks (after analyze)', 'check_ms'], ['crop+resample+encode', 'encode_ms']];
console.log(`\nmedians of ${runs} runs after a warm-up, ms; WASM = release build in headless Chromium, one thread`);
for (const name of Object.keys(wasm.inputs)) {
  const n = native[name], w = wasm.inputs[name];
  console.log(`\n${name} (${w.width}×${w.height})`.padEnd(28) + 'native'.padStart(9) + 'wasm'.padStart(9) + 'ratio'.padStart(7));
  for (const [label, key] of rows) console.log(`  ${label.padEnd(26)}${f(n[key])}${f(w[key])}${r(w[key], n[key])}`);
  console.log(`  ${'browser decode (canvas)'.padEnd(26)}${f(NaN)}${f(w.browser_decode_ms)}`);
  console.log(`  ${'analyzeRgba via JS API'.padEnd(26)}${f(NaN)}${f(w.analyze_rgba_ms)}`);
  console.log(`  ${'live analyzeRgba via JS'.padEnd(26)}${f(NaN)}${f(w.live_rgba_ms)}`);
  console.log(`  ${'analyze + check'.padEnd(26)}${f(n.analyze_ms + n.check_ms)}${f(w.analyze_ms + w.check_ms)}${r(w.analyze_ms + w.check_ms, n.analyze_ms + n.check_ms)}`);
  const floor = n.decode_ms + n.encode_ms;
  console.log(`  WASM analyze+check+encode ÷ native decode+encode floor: ${r(w.analyze_ms + w.check_ms + w.encode_ms, floor).trim()}`);
}
console.log('\nmodel load (ms)'.padEnd(28) + 'native'.padStart(9) + 'wasm'.padStart(9));
for (const k of Object.keys(native['12mp'].load_ms)) console.log(`  ${k.padEnd(26)}${f(native['12mp'].load_ms[k])}${f(wasm.inputs['12mp'].load_ms[k])}`);
console.log(`  ${'WASM init (compile)'.padEnd(26)}${f(NaN)}${f(wasm.init_ms)}`);
console.log('\nsizes (bytes)'.padEnd(50) + 'raw'.padStart(10) + 'gzip -9'.padStart(10));
for (const [k, v] of Object.entries(sizes)) console.log(`  ${k.padEnd(48)}${String(v.raw).padStart(10)}${String(v.gzip).padStart(10)}`);
console.log(`  ${'wasm + models'.padEnd(48)}${String(total.raw).padStart(10)}${String(total.gzip).padStart(10)}`);
console.log(`\npeak WASM linear memory: ${(wasm.peak_memory_bytes / 2 ** 20).toFixed(1)} MiB`);
writeFileSync('target/bench/bench.json', JSON.stringify({ native, wasm, sizes, total }, null, 2));
console.log('→ target/bench/bench.json');
