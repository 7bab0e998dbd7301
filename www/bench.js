// Browser half of scripts/bench: the release WASM build on the inputs the native bench wrote,
// every stage timed inside WASM (benchStages: analysis, checks, standardisation stages, the
// whole pipeline from bytes), plus what only the page can measure: the browser's own decode
// path, a live-guide frame through the JS API, and the WASM linear memory's high-water mark
// (memory.buffer.byteLength only grows, so the reading after each input is the peak so far).
// Results land in window.benchResult for the driver.
import init, { benchStages, Analyzer, encodeRgba } from '../pkg/gradphoto.js';
import { MODEL_FILES } from '../pkg/loader.js';

const params = new URLSearchParams(location.search);
const runs = Number(params.get('runs') ?? 5);
// `build=scalar`: the build for webviews without SIMD; `only=12mp`: one input.
const scalar = params.get('build') === 'scalar';
const only = params.get('only');
const fetchBytes = async (url) => new Uint8Array(await (await fetch(url)).arrayBuffer());
const median = (v) => v.sort((a, b) => a - b)[Math.floor(v.length / 2)];
async function time(f) {
  await f();
  const samples = [];
  for (let i = 0; i < runs; i++) { const t = performance.now(); await f(); samples.push(performance.now() - t); }
  return median(samples);
}

async function browserDecode(bytes) {
  const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/jpeg' }));
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  return ctx.getImageData(0, 0, canvas.width, canvas.height);
}

async function main() {
  const t0 = performance.now();
  const { memory } = await init(scalar ? { module_or_path: new URL('../pkg/gradphoto_scalar_bg.wasm', import.meta.url) } : undefined);
  const initMs = performance.now() - t0;
  const models = await Promise.all(Object.values(MODEL_FILES).map((f) => fetchBytes(`../pkg/models/${f}`)));
  const result = { init_ms: initMs, runs, build: scalar ? 'scalar' : 'simd128', inputs: {} };
  let peak = memory.buffer.byteLength;
  const track = () => { peak = Math.max(peak, memory.buffer.byteLength); };
  const tLoad = performance.now();
  const analyzer = new Analyzer(models[0], models[1], models[2], models[3], models[4], models[5]);
  result.analyzer_new_ms = performance.now() - tLoad;
  for (const name of ['12mp', '3mp', '640x480'].filter((n) => !only || n === only)) {
    const jpeg = await fetchBytes(`/bench-inputs/${name}.jpg`);
    console.log(`wasm: ${name}…`);
    const stages = benchStages(jpeg, models[0], models[1], models[2], models[3], models[4], models[5], runs);
    track();
    const memory_after_stages_bytes = memory.buffer.byteLength;
    let img;
    const browser_decode_ms = await time(async () => { img = await browserDecode(jpeg); });
    const analyze_rgba_ms = await time(() => analyzer.analyzeRgba(img.data, img.width, img.height));
    const live_rgba_ms = await time(() => analyzer.analyzeRgba(img.data, img.width, img.height, true));
    track();
    const encode_rgba_ms = await time(() => encodeRgba(img.data, img.width, img.height, 'chsi-graduation'));
    track();
    result.inputs[name] = {
      ...stages, browser_decode_ms, analyze_rgba_ms, live_rgba_ms, encode_rgba_ms,
      memory_after_stages_bytes, memory_bytes: memory.buffer.byteLength,
    };
  }
  result.peak_memory_bytes = peak;
  window.benchResult = result;
  document.getElementById('out').textContent = JSON.stringify(result, null, 2);
}

main().catch((e) => { window.benchResult = { error: e?.message_en ?? String(e) }; });
