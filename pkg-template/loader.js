// Fetch the face models once, with progress, and build the Analyzer. The promise is cached, so
// calling loadAnalyzer again (from the camera view and the upload view, say) costs nothing.
import init, { Analyzer } from './gradphoto.js';

// A module that uses one SIMD instruction (i8x16.popcnt on a splat), as the wasm-feature-detect
// package probes it: an engine that validates it runs the SIMD build.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

/** Whether this engine runs WebAssembly SIMD (then the SIMD build is used). */
export function simdSupported() {
  try { return WebAssembly.validate(SIMD_PROBE); } catch { return false; }
}

/**
 * Initialise the module with the build this engine runs: `gradphoto_bg.wasm` (SIMD) or, on older
 * webviews, `gradphoto_scalar_bg.wasm` (the same code without SIMD, slower). Use it instead of the
 * default export's `init()`; it resolves to the same value.
 */
export function initBest() {
  const file = simdSupported() ? './gradphoto_bg.wasm' : './gradphoto_scalar_bg.wasm';
  return init({ module_or_path: new URL(file, import.meta.url) });
}

export const MODEL_FILES = {
  detector: 'face_detection_short_range_w16.onnx',
  landmarks: 'face_landmark_w16.onnx',
  segmenter: 'selfie_segmentation_fixed_w16.onnx',
  detectorFullRange: 'face_detection_full_range_w16.onnx',
  iris: 'iris_landmark_w16.onnx',
};

/** Fetch model files by name, with one progress callback over all of them. */
async function fetchModels(names, baseUrl, onProgress) {
  const responses = await Promise.all(names.map(async (n) => {
    const r = await fetch(new URL(n, baseUrl));
    if (!r.ok) throw { code: 'model.load_failed', message_en: `${n}: HTTP ${r.status}`, message_zh: `模型 ${n} 下载失败（HTTP ${r.status}）` };
    return r;
  }));
  const total = responses.reduce((s, r) => s + Number(r.headers.get('content-length') ?? 0), 0);
  let loaded = 0;
  return Promise.all(responses.map(async (r) => {
    const reader = r.body.getReader();
    const chunks = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.length;
      onProgress?.(loaded, total);
    }
    const out = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
    let at = 0;
    for (const c of chunks) { out.set(c, at); at += c.length; }
    return out;
  }));
}

const cached = new Map();

/**
 * `fullRange: 'later'` leaves out the full-range detector (a quarter of the download), which only
 * photos with no face at close range need: such a photo is then refused with
 * `model.full_range_needed` until `loadFullRange(analyzer)` has run (the worker does that itself
 * and tries the photo again). `iris: 'later'` leaves out the iris model (the eyelids of a checked
 * photo, which live frames never need): `eyes.open` then says `not_evaluated` until
 * `loadIris(analyzer)` has run (the worker fetches it with the first photo). The defaults,
 * `'now'`, load all five models.
 * @param {{ baseUrl?: string | URL, onProgress?: (loaded: number, total: number) => void, fullRange?: 'now' | 'later', iris?: 'now' | 'later' }} options
 * @returns {Promise<Analyzer>}
 */
export function loadAnalyzer({ baseUrl = new URL('./models/', import.meta.url), onProgress, fullRange = 'now', iris = 'now' } = {}) {
  const key = `${baseUrl} ${fullRange} ${iris}`;
  if (!cached.has(key)) {
    const names = [MODEL_FILES.detector, MODEL_FILES.landmarks, MODEL_FILES.segmenter];
    if (fullRange !== 'later') names.push(MODEL_FILES.detectorFullRange);
    if (iris !== 'later') names.push(MODEL_FILES.iris);
    const loading = fetchModels(names, baseUrl, onProgress)
      .then((bytes) => {
        const named = Object.fromEntries(names.map((n, i) => [n, bytes[i]]));
        return new Analyzer(bytes[0], bytes[1], bytes[2], named[MODEL_FILES.detectorFullRange], named[MODEL_FILES.iris]);
      })
      .catch((e) => { cached.delete(key); throw e; });
    cached.set(key, loading);
  }
  return cached.get(key);
}

/**
 * Fetch one model that came later and load it into `analyzer`, once per analyzer and model
 * (`loads` remembers the loads in flight; a failed one may be tried again).
 */
function loadLater(loads, analyzer, file, has, load, baseUrl, onProgress) {
  if (has()) return Promise.resolve();
  if (!loads.has(analyzer)) {
    loads.set(analyzer, fetchModels([file], baseUrl, onProgress)
      .then(([bytes]) => { if (!has()) load(bytes); })
      .catch((e) => { loads.delete(analyzer); throw e; }));
  }
  return loads.get(analyzer);
}

const fullRangeLoads = new WeakMap();

/**
 * Fetch the full-range detector and load it into `analyzer` (once per analyzer; at once if it
 * has it already). For an analyzer from `loadAnalyzer({ fullRange: 'later' })` that refused a
 * photo with `model.full_range_needed`.
 * @param {Analyzer} analyzer
 * @param {{ baseUrl?: string | URL, onProgress?: (loaded: number, total: number) => void }} options
 * @returns {Promise<void>}
 */
export function loadFullRange(analyzer, { baseUrl = new URL('./models/', import.meta.url), onProgress } = {}) {
  return loadLater(fullRangeLoads, analyzer, MODEL_FILES.detectorFullRange, () => analyzer.hasFullRange(),
    (bytes) => analyzer.loadFullRange(bytes), baseUrl, onProgress);
}

const irisLoads = new WeakMap();

/**
 * Fetch the iris model and load it into `analyzer` (once per analyzer; at once if it has it
 * already). For an analyzer from `loadAnalyzer({ iris: 'later' })`, before checking a photo.
 * @param {Analyzer} analyzer
 * @param {{ baseUrl?: string | URL, onProgress?: (loaded: number, total: number) => void }} options
 * @returns {Promise<void>}
 */
export function loadIris(analyzer, { baseUrl = new URL('./models/', import.meta.url), onProgress } = {}) {
  return loadLater(irisLoads, analyzer, MODEL_FILES.iris, () => analyzer.hasIris(),
    (bytes) => analyzer.loadIris(bytes), baseUrl, onProgress);
}

/**
 * The analyzer in a module Web Worker (`worker.js`, its own WASM instance): the same
 * `checkAndStandardize` and `checkAndStandardizeRgba`, as promises, so the page stays responsive
 * while a photo is checked. Inputs are transferred to the worker (the caller's buffers are
 * emptied) and results transferred back. Calling again while a call is in flight supersedes it:
 * the earlier promise rejects with `{ code: 'analysis.superseded' }` and its result is never
 * delivered (the graduate picked another photo), and the worker drops it at its next stage.
 * `onStage(stage)` hears each stage as the photo enters it: `decode`, `analyse`, `check`,
 * `standardise`.
 * @param {{ baseUrl?: string | URL, onProgress?: (loaded: number, total: number) => void }} options
 * `guide` runs the live camera guide on a frame in the same worker (the face is tracked between
 * frames), never superseding a photo call.
 * @returns {Promise<{ checkAndStandardize(bytes: Uint8Array, preset: string, background?: string, onStage?: (stage: 'decode' | import('./gradphoto.js').PipelineStage) => void): Promise<import('./gradphoto.js').CheckedAndStandardized>,
 *   checkAndStandardizeRgba(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number, preset: string, background?: string, facing?: import('./gradphoto.js').CameraFacing, onStage?: (stage: 'decode' | import('./gradphoto.js').PipelineStage) => void): Promise<import('./gradphoto.js').CheckedAndStandardized>,
 *   guide(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number, preset: string, facing?: import('./gradphoto.js').CameraFacing): Promise<import('./gradphoto.js').Guide>,
 *   checkAndStandardizeBitmap: ((bitmap: ImageBitmap, preset: string, background?: string, facing?: import('./gradphoto.js').CameraFacing, onStage?: (stage: 'decode' | import('./gradphoto.js').PipelineStage) => void) => Promise<import('./gradphoto.js').CheckedAndStandardized>) | null,
 *   guideBitmap: ((bitmap: ImageBitmap, preset: string, facing?: import('./gradphoto.js').CameraFacing) => Promise<import('./gradphoto.js').Guide>) | null,
 *   terminate(): void }>}
 */
export async function createWorkerAnalyzer({ baseUrl = new URL('./models/', import.meta.url), onProgress } = {}) {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  const pending = new Map();
  let next = 0;
  let latest = null; // the photo call whose result counts
  worker.onmessage = ({ data }) => {
    const call = pending.get(data.id);
    if (!call) return; // superseded
    if (data.progress) { call.onProgress?.(...data.progress); return; }
    if (data.stage) { call.onStage?.(data.stage); return; }
    pending.delete(data.id);
    if ('error' in data) call.reject(data.error); else call.resolve(data.result);
  };
  worker.onerror = (e) => {
    for (const call of pending.values()) call.reject({ code: 'worker.failed', message_zh: '分析线程出错。', message_en: `The analysis worker failed: ${e.message ?? e}` });
    pending.clear();
  };
  const call = (message, transfer = [], progress, onStage) => new Promise((resolve, reject) => {
    const id = next += 1;
    pending.set(id, { resolve, reject, onProgress: progress, onStage });
    worker.postMessage({ id, ...message }, transfer);
  });
  const photoCall = (message, transfer, onStage) => {
    if (latest != null && pending.has(latest)) {
      pending.get(latest).reject({ code: 'analysis.superseded', message_zh: '已改为检查新选择的照片。', message_en: 'Superseded by a newer photo.' });
      pending.delete(latest);
      worker.postMessage({ op: 'cancel', target: latest }); // it stops at its next stage
    }
    const promise = call(message, transfer, undefined, onStage);
    latest = next;
    return promise;
  };
  await call({ op: 'init', baseUrl: String(baseUrl) }, [], onProgress);
  return {
    checkAndStandardize: (bytes, preset, background, onStage) =>
      photoCall({ op: 'checkAndStandardize', bytes, preset, background }, [bytes.buffer], onStage),
    checkAndStandardizeRgba: (rgba, width, height, preset, background, facing, onStage) =>
      photoCall({ op: 'checkAndStandardizeRgba', rgba, width, height, preset, background, facing }, [rgba.buffer], onStage),
    /**
     * `checkAndStandardizeRgba` for a camera capture as an `ImageBitmap` (`createImageBitmap(video)`),
     * handed over and read back in the worker: the page never reads the full-resolution pixels.
     * `null` where workers have no `OffscreenCanvas`.
     */
    checkAndStandardizeBitmap: typeof OffscreenCanvas === 'function'
      ? (bitmap, preset, background, facing, onStage) =>
        photoCall({ op: 'checkAndStandardizeBitmap', bitmap, preset, background, facing }, [bitmap], onStage)
      : null,
    guide: (rgba, width, height, preset, facing) =>
      call({ op: 'guide', rgba, width, height, preset, facing }, [rgba.buffer]),
    /**
     * The live guide for a camera frame as an `ImageBitmap` (`createImageBitmap(video, …)`),
     * handed over and read back in the worker, so the page never touches the pixels. `null`
     * where workers have no `OffscreenCanvas` (then use `guide` with the frame's RGBA).
     */
    guideBitmap: typeof OffscreenCanvas === 'function'
      ? (bitmap, preset, facing) => call({ op: 'guideBitmap', bitmap, preset, facing }, [bitmap])
      : null,
    terminate: () => worker.terminate(),
  };
}
