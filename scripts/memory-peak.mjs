// Peak WASM linear memory on the product's path: a fresh instance (its own page) loads the four
// models and checks and standardises one photo from the file's bytes (`checkAndStandardize`, what
// the worker runs for an album pick); `memory.buffer.byteLength` only grows, so the reading after
// it is the peak. Two photos: the benchmark's 12 MP input and a 49.9 MP one (the largest
// accepted), after which a 61 MP file must be refused before decoding and the same instance still
// check a normal photo. Needs `scripts/build` (and, for the 12 MP photo, the benchmark's inputs).
// Used by scripts/bench-wasm.mjs; alone: node scripts/memory-peak.mjs
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';

/** `{ '12mp': {...}, '50mp': {...} }`, MB = 10^6 bytes, from fresh pages of `origin`'s check.html. */
export async function measureMemory(browser, origin) {
  const cases = [];
  if (existsSync('target/bench/inputs/12mp.jpg')) cases.push(['12mp', '/bench-inputs/12mp.jpg']);
  cases.push(['50mp', null]);
  const out = {};
  for (const [name, url] of cases) {
    const page = await browser.newPage();
    await page.goto(`${origin}/check.html`);
    out[name] = await page.evaluate(async (url) => {
      const wasm = await import('/pkg/gradphoto.js');
      const { memory } = await wasm.default();
      const { MODEL_FILES } = await import('/pkg/loader.js');
      const fetchBytes = async (u) => new Uint8Array(await (await fetch(u)).arrayBuffer());
      // The worker's three: the full-range detector comes only for a photo that needs it.
      const models = await Promise.all([MODEL_FILES.detector, MODEL_FILES.landmarks, MODEL_FILES.segmenter]
        .map((f) => fetchBytes(`/pkg/models/${f}`)));
      const analyzer = new wasm.Analyzer(models[0], models[1], models[2]);
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
      const r = { models_loaded_mb: memory.buffer.byteLength / 1e6 };
      const bytes = url ? await fetchBytes(url) : await jpeg(8160, 6120); // 49.9 MP, under the 50 MP cap
      r.file_mb = bytes.length / 1e6;
      const t = performance.now();
      const done = analyzer.checkAndStandardize(bytes, 'chsi-graduation');
      r.ms = performance.now() - t;
      r.verdict = done.report.verdict;
      r.standardized = done.standardized ? `${done.standardized.width}×${done.standardized.height}` : done.standardizeError?.code;
      r.peak_mb = memory.buffer.byteLength / 1e6;
      if (!url) {
        try {
          analyzer.checkAndStandardize(await jpeg(9000, 6800), 'chsi-graduation');
          r.over_cap = 'accepted';
        } catch (e) { r.over_cap = e.code; }
        r.after_refusal_mb = memory.buffer.byteLength / 1e6;
        r.normal_after = analyzer.check(await fetchBytes('/test-data/grace_hopper.jpg'), 'chsi-graduation').faces.length;
      }
      return r;
    }, url);
    await page.close();
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const server = await serve(0);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  console.log(JSON.stringify(await measureMemory(browser, `http://127.0.0.1:${server.address().port}`), null, 2));
  await browser.close();
  server.close();
}
