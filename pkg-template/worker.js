// The analyzer in a module Web Worker with its own WASM instance, so that checking and
// standardising a photo (up to a second or more on a phone) and the live camera guide never block
// the page. Started by
// `createWorkerAnalyzer` in loader.js; messages are `{ id, op, ... }`, answers `{ id, result }`,
// `{ id, error }` (the typed error as Rust made it), `{ id, progress: [loaded, total] }` while the
// models load, or `{ id, stage }` as a photo enters each stage (decode, analyse, check,
// standardise); `{ op: 'cancel', target }` drops a photo call at its next stage, unanswered. It
// is ready with the module and the detector alone, so the live guide starts on them (from the
// detector's keypoints) while the face mesh and the person segmentation follow, then the iris
// model (the eyelids) and the expression classifier; a photo waits for those it needs. The
// full-range detector is fetched only for a photo with no face at close range. Errors go back as plain `{ code, message_zh, message_en }`
// (a posted Error loses its fields); the page makes them GradphotoErrors again.
import { loadAnalyzer, loadExpression, loadFullRange, loadIris, loadMesh } from './loader.js';

let analyzer = null;
/** Where the files are: what the page named (`wasmUrl`, `modelsUrl`, `files`), else the bundled defaults. */
let locations = {};

/** Calls the page has superseded (`{ op: 'cancel', target }`), not yet seen by their job. */
const cancelled = new Set();
const dropped = (id) => cancelled.delete(id);
/** Let the messages already queued (a cancel) run before going on. */
const yieldToMessages = () => new Promise((resolve) => {
  const { port1, port2 } = new MessageChannel();
  port1.onmessage = () => { port1.close(); resolve(); };
  port2.postMessage(null);
});

/** A photo of the graduate's has come: the warm-up gives way. */
let photoArrived = false;

/**
 * The warm-up waits for the live guide's first answer (or, where no camera frame comes, a short
 * while): a cold stage of it takes long enough on a slow phone (about a second at ×4 CPU) to hold
 * the guide's first frame back, and the guide is what the graduate is waiting to see. The guide's
 * own frames warm the analysis meanwhile.
 */
let guideAnswered;
const firstGuide = new Promise((resolve) => { guideAnswered = resolve; });
const WARM_UP_DELAY_MS = 1500;

/**
 * Check and standardise a small portrait (`warmup.jpg`) once after the models load, a stage at a
 * time, and drop the result. A browser runs new WebAssembly code on a quick baseline compile and
 * optimises what runs hot; without this the graduate's first photo pays for it (906 ms for a 12 MP
 * photo against 620 ms once warm, in headless Chromium here; 650 ms after the warm-up). Stops at
 * the next stage when a real photo arrives; a failure only means no warm-up.
 */
async function warmUp() {
  try {
    await Promise.race([firstGuide, new Promise((resolve) => { setTimeout(resolve, WARM_UP_DELAY_MS); })]);
    const bytes = new Uint8Array(await (await fetch(new URL('./warmup.jpg', import.meta.url))).arrayBuffer());
    await loadMesh(analyzer, locations);
    if (photoArrived) return;
    await stepThrough(analyzer.startJob(bytes, 'chsi-graduation'), () => {}, () => photoArrived);
  } catch { /* no warm-up */ }
}

/**
 * Run the live guide once on a blank frame while the mesh downloads and the camera opens: the
 * detector's first run on fresh WebAssembly code is several times slower than the next (the
 * browser compiles it quickly first and optimises what runs hot), and that first run was the
 * guide's first frame, the graduate's first answer. A blank frame finds no face and leaves no
 * state behind (before the mesh, the guide only detects). A failure only means no warm-up.
 */
function warmGuide() {
  try {
    const width = 192;
    const height = 256;
    analyzer.guide(new Uint8Array(width * height * 4).fill(128), width, height, 'chsi-graduation', null);
  } catch { /* no warm-up */ }
}

/**
 * Run `job` to its end a stage at a time, back to the event loop before each stage (`onStage`
 * hears it first), and free it. Stops early when `stop()` says so then; the job's outcome, or
 * `null` when stopped.
 */
async function stepThrough(job, onStage, stop) {
  try {
    for (let stage = job.next(); stage !== 'done'; stage = job.step(analyzer)) {
      onStage(stage);
      await yieldToMessages();
      if (stop()) return null;
    }
    return job.finish();
  } finally {
    job.free();
  }
}

let canvas = null;

/**
 * An ImageBitmap's pixels as ImageData; closes the bitmap. Camera frames of the live guide go
 * through one reused OffscreenCanvas; a captured photo (`reuse` false) through its own, so its
 * size is not kept.
 */
function pixelsOf(bitmap, reuse = true) {
  const { width, height } = bitmap;
  let target = reuse ? canvas : null;
  if (!target || target.width !== width || target.height !== height) {
    target = new OffscreenCanvas(width, height);
    if (reuse) canvas = target;
  }
  const ctx = target.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  return ctx.getImageData(0, 0, width, height);
}

/** The result's pixel and file buffers, handed over instead of copied. */
function buffersOf(result) {
  const s = result?.standardized;
  return [s?.jpeg?.buffer, s?.rgba?.buffer].filter(Boolean);
}

/** A thrown value as a plain typed error that survives postMessage. */
function plainError(e) {
  if (typeof e?.code === 'string') {
    const out = { code: e.code, message_zh: e.message_zh ?? e.message_en ?? e.message, message_en: e.message_en ?? e.message };
    if (e.file !== undefined) out.file = e.file;
    if (e.url !== undefined) out.url = e.url;
    return out;
  }
  return { code: 'worker.failed', message_zh: `分析出错：${e?.message ?? e}`, message_en: `The analysis failed: ${e?.message ?? e}` };
}

self.onmessage = async ({ data }) => {
  const { id, op } = data;
  if (op === 'cancel') { cancelled.add(data.target); return; }
  try {
    if (op === 'init') {
      // The module and the detector in parallel, one progress stream: ready for the live guide.
      // The face mesh and the person segmentation follow at once, then the iris model (the
      // eyelids) and the expression classifier, while the graduate frames the photo (a photo
      // waits for them; fetched only with it, they held a 12 MP pick's result back by a second
      // on a 4G link). The full-range detector comes only when a photo needs it (no face at
      // close range).
      locations = data.options ?? {};
      analyzer = await loadAnalyzer({
        ...locations,
        mesh: 'later',
        fullRange: 'later',
        iris: 'later',
        expression: 'later',
        onProgress: (loaded, total, file) => self.postMessage({ id, progress: [loaded, total, file] }),
      });
      self.postMessage({ id, result: true });
      // A failure here is met again, and reported, by the first photo.
      loadMesh(analyzer, locations)
        .then(() => Promise.all([loadIris(analyzer, locations), loadExpression(analyzer, locations)]))
        .catch(() => {});
      warmGuide();
      if (data.warmUp !== false) warmUp();
      return;
    }
    if (!analyzer) throw { code: 'worker.not_ready', message_zh: '分析模块尚未加载。', message_en: 'The analyzer is not loaded yet.' };
    let result;
    if (op === 'checkAndStandardize' || op === 'checkAndStandardizeRgba' || op === 'checkAndStandardizeBitmap') {
      photoArrived = true;
      self.postMessage({ id, stage: 'decode' });
      await Promise.all([loadMesh(analyzer, locations), loadIris(analyzer, locations), loadExpression(analyzer, locations)]);
      await yieldToMessages();
      if (dropped(id)) { data.bitmap?.close(); return; }
      const pixels = op === 'checkAndStandardizeBitmap' ? pixelsOf(data.bitmap, false) : null;
      const start = () => {
        if (op === 'checkAndStandardize') return analyzer.startJob(data.bytes, data.preset, data.background);
        if (op === 'checkAndStandardizeRgba') return analyzer.startJobRgba(data.rgba, data.width, data.height, data.preset, data.background, data.facing);
        return analyzer.startJobRgba(pixels.data, pixels.width, pixels.height, data.preset, data.background, data.facing);
      };
      // A stage at a time, back to the event loop between them: the page hears which stage runs,
      // and a photo picked meanwhile (a `cancel` message) stops this one at the next.
      const run = () => stepThrough(start(), (stage) => self.postMessage({ id, stage }), () => dropped(id));
      try {
        result = await run();
      } catch (e) {
        if (e?.code !== 'model.full_range_needed') throw e;
        // No face at close range: fetch the detector that looks further, and try once more.
        await loadFullRange(analyzer, locations);
        if (dropped(id)) return;
        result = await run();
      }
      if (result === null) return;
    } else if (op === 'preview') {
      // A picked file shrunk for showing, decoded here: on the page's thread the decode and
      // resize of a 12 MP photo is a task of over 100 ms on a slow phone.
      const bitmap = await createImageBitmap(data.file, {
        imageOrientation: 'from-image',
        resizeWidth: data.width,
        resizeHeight: data.height,
        resizeQuality: 'high',
      });
      self.postMessage({ id, result: bitmap }, [bitmap]);
      return;
    } else if (op === 'guide') {
      // The live guide for one camera frame (its face is tracked from the previous one).
      self.postMessage({ id, result: analyzer.guide(data.rgba, data.width, data.height, data.preset, data.facing) });
      guideAnswered();
      return;
    } else if (op === 'guideBitmap') {
      // The same for a frame handed over as an ImageBitmap: read back here, off the page.
      self.postMessage({ id, result: analyzer.guideImageData(pixelsOf(data.bitmap), data.preset, data.facing) });
      guideAnswered();
      return;
    } else {
      throw { code: 'worker.unknown_op', message_zh: `未知操作 ${op}。`, message_en: `Unknown operation ${op}.` };
    }
    self.postMessage({ id, result }, buffersOf(result));
  } catch (e) {
    self.postMessage({ id, error: plainError(e) });
  }
};
