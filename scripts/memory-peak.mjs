// Peak WASM linear memory for the largest photo gradphoto accepts (50 MP), in headless Chromium
// with the release package: one instance decodes, checks and standardises it from the file's
// bytes (`checkAndStandardize`, the shell's album path), then a 61 MP file is refused before
// decoding, then the same instance checks a normal photo. Prints the figures; not part of CI.
// Needs `scripts/build` first. Usage: node scripts/memory-peak.mjs
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';

const server = await serve(0);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
const page = await browser.newPage();
await page.goto(`http://127.0.0.1:${server.address().port}/check.html`);
const result = await page.evaluate(async () => {
  const wasm = await import('/pkg/gradphoto.js');
  const { memory } = await wasm.default();
  const { MODEL_FILES } = await import('/pkg/loader.js');
  const fetchBytes = async (url) => new Uint8Array(await (await fetch(url)).arrayBuffer());
  const models = await Promise.all(Object.values(MODEL_FILES).map((f) => fetchBytes(`/pkg/models/${f}`)));
  const analyzer = new wasm.Analyzer(models[0], models[1], models[2], models[3]);
  const grace = await createImageBitmap(new Blob([await fetchBytes('/test-data/grace_hopper.jpg')]));
  // A camera-like 4:3 frame with the face where a phone would put it.
  async function jpeg(width, height) {
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#d8d8d0';
    ctx.fillRect(0, 0, width, height);
    const h = height * 0.9; const w = h * grace.width / grace.height;
    ctx.drawImage(grace, (width - w) / 2, height - h, w, h);
    return new Uint8Array(await (await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 })).arrayBuffer());
  }
  const out = { start_mb: memory.buffer.byteLength / 1e6 };
  const big = await jpeg(8160, 6120); // 49.9 MP, under the 50 MP cap
  out.file_mb = big.length / 1e6;
  const t = performance.now();
  const done = analyzer.checkAndStandardize(big, 'chsi-graduation');
  out.ms = performance.now() - t;
  out.verdict = done.report.verdict;
  out.standardized = done.standardized ? `${done.standardized.width}×${done.standardized.height}` : done.standardizeError?.code;
  out.peak_mb = memory.buffer.byteLength / 1e6;
  try {
    analyzer.checkAndStandardize(await jpeg(9000, 6800), 'chsi-graduation');
    out.over_cap = 'accepted';
  } catch (e) { out.over_cap = e.code; }
  out.after_refusal_mb = memory.buffer.byteLength / 1e6;
  out.normal_after = analyzer.check(await fetchBytes('/test-data/grace_hopper.jpg'), 'chsi-graduation').faces;
  return out;
});
console.log(JSON.stringify(result, null, 2));
await browser.close();
server.close();
