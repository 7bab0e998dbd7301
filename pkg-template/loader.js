// Load the WASM module and the face models, with one progress stream over all of them, and build
// the Analyzer, on the page (`loadAnalyzer`) or in a module Web Worker (`createWorkerAnalyzer`).
//
// Where the files are: every file has a default written as `new URL('./file', import.meta.url)`
// with a literal path, the one form Vite, webpack 5 and Rollup rewrite into an emitted asset, so a
// bundled app finds them with no configuration. A CDN or a copied folder is named with options
// (`wasmUrl`, `modelsUrl`, `workerUrl`, or `files` for any one file, by URL or as bytes); relative
// URLs are resolved against the page. Each answer is promise-cached per configuration.
import init, { Analyzer } from './gradphoto.js';
import { FILE_SIZES } from './sizes.js';

export { FILE_SIZES };

/**
 * What this package throws and rejects with: an `Error` (with a stack) carrying the stable `code`
 * and the message in Chinese and English. Errors from the WASM module (`input.corrupt`, …) have
 * the same fields; `isGradphotoError` tells both apart from anything else.
 */
export class GradphotoError extends Error {
  /** @param {{ code: string, message_zh?: string, message_en?: string, file?: string, url?: string }} info */
  constructor({ code, message_zh, message_en, file, url }) {
    super(message_en ?? code);
    this.name = 'GradphotoError';
    this.code = code;
    this.message_zh = message_zh ?? message_en ?? code;
    this.message_en = message_en ?? code;
    if (file !== undefined) this.file = file;
    if (url !== undefined) this.url = url;
  }
}

/** Whether `e` is a typed error of this package (thrown by the loader or by the WASM module). */
export function isGradphotoError(e) {
  return typeof e === 'object' && e !== null && typeof e.code === 'string' && typeof e.message_en === 'string';
}

/** The fallback for a model's bytes that the module would not load. */
const modelLoadFailed = (x) => ({ code: 'model.load_failed', message_en: String(x), message_zh: '模型无法加载。' });

/** `e` as a GradphotoError: kept if it is one, wrapped if it has the fields, else `fallback`. */
function typed(e, fallback) {
  if (e instanceof GradphotoError) return e;
  if (isGradphotoError(e)) return new GradphotoError(e);
  return new GradphotoError(fallback(e));
}

// A module that uses one SIMD instruction (i8x16.popcnt on a splat), as the wasm-feature-detect
// package probes it: an engine that validates it runs the SIMD build.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

/** Whether this engine runs WebAssembly SIMD (then the SIMD build is used). */
export function simdSupported() {
  try { return WebAssembly.validate(SIMD_PROBE); } catch { return false; }
}

export const WASM_FILES = { simd: 'gradphoto_bg.wasm', scalar: 'gradphoto_scalar_bg.wasm' };

export const MODEL_FILES = {
  detector: 'face_detection_short_range_w16.onnx',
  landmarks: 'face_landmark_w16.onnx',
  segmenter: 'selfie_segmentation_fixed_w16.onnx',
  detectorFullRange: 'face_detection_full_range_w16.onnx',
  iris: 'iris_landmark_w16.onnx',
  expression: 'expression_fer.onnx',
};

/**
 * The package's own URL of each file, each written out literally so that bundlers see it (a
 * bundler emits the file and rewrites the URL; a page that imports the package unbundled gets the
 * folder beside this module).
 */
function packagedUrl(name) {
  switch (name) {
    case 'gradphoto_bg.wasm': return new URL('./gradphoto_bg.wasm', import.meta.url);
    case 'gradphoto_scalar_bg.wasm': return new URL('./gradphoto_scalar_bg.wasm', import.meta.url);
    case 'face_detection_short_range_w16.onnx': return new URL('./models/face_detection_short_range_w16.onnx', import.meta.url);
    case 'face_landmark_w16.onnx': return new URL('./models/face_landmark_w16.onnx', import.meta.url);
    case 'selfie_segmentation_fixed_w16.onnx': return new URL('./models/selfie_segmentation_fixed_w16.onnx', import.meta.url);
    case 'face_detection_full_range_w16.onnx': return new URL('./models/face_detection_full_range_w16.onnx', import.meta.url);
    case 'iris_landmark_w16.onnx': return new URL('./models/iris_landmark_w16.onnx', import.meta.url);
    case 'expression_fer.onnx': return new URL('./models/expression_fer.onnx', import.meta.url);
    default: throw new GradphotoError({ code: 'asset.unknown_file', message_en: `No packaged file ${name}.`, message_zh: `没有名为 ${name} 的文件。`, file: name });
  }
}

/** The page's (or worker's) own address, against which relative URLs are resolved. */
function pageBase() {
  return globalThis.document?.baseURI ?? globalThis.location?.href;
}

/** A URL option as an absolute URL, resolved against the page; a folder keeps its trailing slash. */
function absolute(url, folder = false) {
  let text = String(url);
  if (folder && !text.endsWith('/')) text += '/';
  try {
    return new URL(text, pageBase());
  } catch {
    throw new GradphotoError({ code: 'asset.bad_url', message_en: `Not a URL: ${text} (give an absolute URL, or run in a page).`, message_zh: `无法解析地址 ${text}。` });
  }
}

const isBytes = (v) => v instanceof ArrayBuffer || ArrayBuffer.isView(v);
const isResponse = (v) => typeof Response === 'function' && v instanceof Response;
const asBytes = (v) => (v instanceof Uint8Array ? v : ArrayBuffer.isView(v) ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : new Uint8Array(v));

/**
 * Where one file comes from: `files[name]` (URL, bytes or Response), else `wasmUrl` for the
 * module, `modelsUrl` (or the older `baseUrl`) plus the name for a model, else the packaged file.
 */
function sourceOf(name, options) {
  const given = options.files?.[name];
  if (given != null) return isBytes(given) || isResponse(given) ? given : absolute(given);
  if (name.endsWith('.wasm')) {
    const url = name === WASM_FILES.simd ? options.wasmUrl : options.wasmScalarUrl;
    if (url != null) return absolute(url);
  } else {
    const folder = options.modelsUrl ?? options.baseUrl;
    if (folder != null) return new URL(name, absolute(folder, true));
  }
  return packagedUrl(name);
}

/** One progress stream over several files: `loaded` and `total` in bytes, `file` the one moving. */
function progressOver(names, onProgress) {
  // The packaged sizes are exact whatever the server's compression (a Content-Length counts the
  // compressed bytes); a file of unknown size counts what its header says, raised to what came.
  const expected = names.map((n) => FILE_SIZES[n] ?? 0);
  const loaded = names.map(() => 0);
  const sum = (a) => a.reduce((s, x) => s + x, 0);
  const report = (i) => onProgress?.(sum(loaded), sum(expected), names[i]);
  return {
    guess(i, bytes) { if (!FILE_SIZES[names[i]] && bytes > expected[i]) expected[i] = bytes; },
    add(i, bytes) { loaded[i] += bytes; if (loaded[i] > expected[i]) expected[i] = loaded[i]; report(i); },
    done(i) { expected[i] = loaded[i]; report(i); },
  };
}

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

/**
 * Is this the start of the file it should be? A WASM module starts with `\0asm`; an ONNX model is
 * a protobuf whose first field is the IR version (tag 0x08). A server that answers a missing file
 * with its index page sends `<`.
 */
function checkStart(name, url, head) {
  const wasm = name.endsWith('.wasm');
  const ok = wasm ? WASM_MAGIC.every((b, i) => head[i] === b) : head[0] === 0x08;
  if (ok) return;
  const html = new TextDecoder().decode(head.subarray(0, 64)).trimStart().startsWith('<');
  const what = html ? 'an HTML page' : 'something else';
  throw new GradphotoError({
    code: wasm ? 'asset.not_wasm' : 'asset.not_model',
    message_en: `${name} from ${url} is ${what}, not ${wasm ? 'a WebAssembly module' : 'an ONNX model'}: is the file at that address (the server may answer missing files with a page)?`,
    message_zh: `${name}（${url}）下载到的是${html ? '网页' : '其他内容'}而不是${wasm ? 'WebAssembly 模块' : '模型文件'}：请检查该地址上是否有此文件。`,
    file: name,
    url: String(url),
  });
}

/** Fetch one file, typed errors naming it for a network failure or an HTTP error. */
async function fetchFile(name, url) {
  let response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new GradphotoError({ code: 'asset.fetch_failed', message_en: `${name}: could not fetch ${url} (${e?.message ?? e}; offline, or another origin without CORS?)`, message_zh: `${name} 下载失败（网络中断或跨域未允许）。`, file: name, url: String(url) });
  }
  if (!response.ok) {
    throw new GradphotoError({ code: 'asset.fetch_failed', message_en: `${name}: HTTP ${response.status} from ${url}`, message_zh: `${name} 下载失败（HTTP ${response.status}）。`, file: name, url: String(url) });
  }
  return response;
}

/** A Content-Length that counts the body's bytes (absent or compressed: null). */
function plainLength(response) {
  const encoding = response.headers.get('content-encoding');
  const length = Number(response.headers.get('content-length'));
  return (!encoding || encoding === 'identity') && length > 0 ? length : null;
}

/**
 * The body of `response` as a stream that counts into `progress`, checks the file's first bytes
 * and, at its end, that nothing was cut (against a plain Content-Length).
 */
function countedBody(name, url, response, progress, i) {
  const expected = plainLength(response);
  if (expected) progress.guess(i, expected);
  const reader = response.body.getReader();
  let seen = 0;
  let head = new Uint8Array(0);
  return new ReadableStream({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          if (seen < 8) checkStart(name, url, head);
          if (expected && seen < expected) {
            throw new GradphotoError({ code: 'asset.truncated', message_en: `${name} from ${url} was cut off: ${seen} of ${expected} bytes.`, message_zh: `${name} 下载不完整（${seen}/${expected} 字节），请重试。`, file: name, url: String(url) });
          }
          progress.done(i);
          controller.close();
          return;
        }
        if (seen < 8) {
          const joined = new Uint8Array(head.length + value.length);
          joined.set(head);
          joined.set(value, head.length);
          head = joined.subarray(0, 8);
          if (head.length >= 8) checkStart(name, url, head);
        }
        seen += value.length;
        progress.add(i, value.length);
        controller.enqueue(value);
      } catch (e) {
        reader.cancel().catch(() => {});
        // A connection dropped mid-file surfaces as a bare network TypeError: name the file.
        controller.error(e instanceof GradphotoError ? e : new GradphotoError({
          code: 'asset.truncated',
          message_en: `${name} from ${url} was cut off after ${seen} bytes (${e?.message ?? e}).`,
          message_zh: `${name} 下载中断（已收到 ${seen} 字节），请检查网络后重试。`,
          file: name,
          url: String(url),
        }));
      }
    },
    cancel(reason) { return reader.cancel(reason); },
  });
}

/**
 * A whole stream as one array. Read by hand: `new Response(stream).arrayBuffer()` rejects with a
 * bare TypeError when the stream errors, losing the typed error that names the file.
 */
async function drain(stream) {
  const chunks = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  const out = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
}

/** A URL or Response source as its counted body: fetched (typed errors naming the file) or given. */
async function countedSource(name, source, progress, i) {
  const given = isResponse(source);
  const response = given ? source : await fetchFile(name, source);
  return countedBody(name, given ? response.url || 'a Response' : source, response, progress, i);
}

/** One file's bytes (a model), counted into `progress`. */
async function fileBytes(name, source, progress, i) {
  if (isBytes(source)) {
    const bytes = asBytes(source);
    checkStart(name, 'bytes given', bytes.subarray(0, 8));
    progress.add(i, bytes.length);
    progress.done(i);
    return bytes;
  }
  return drain(await countedSource(name, source, progress, i));
}

/**
 * The WASM module as `init()` takes it: bytes, or a counted stream in a Response typed
 * `application/wasm` so the engine compiles it while it downloads.
 */
async function wasmInput(name, source, progress, i) {
  if (isBytes(source) || typeof WebAssembly.instantiateStreaming !== 'function') return fileBytes(name, source, progress, i);
  return new Response(await countedSource(name, source, progress, i), { headers: { 'Content-Type': 'application/wasm' } });
}

let initialised = null;

/**
 * Why the module did not start. A Content-Security-Policy without `'wasm-unsafe-eval'` is named
 * as such: the browser's own message asks for `'unsafe-eval'`, which is the wrong fix.
 */
function compileFailure(e) {
  const text = String(e?.message ?? e);
  if (/unsafe-eval|Content Security Policy|CSP/i.test(text)) {
    return {
      code: 'wasm.blocked_by_csp',
      message_en: `The page's Content-Security-Policy blocks WebAssembly: add 'wasm-unsafe-eval' (not 'unsafe-eval') to script-src, for the page and for the worker script. (${text})`,
      message_zh: "页面的内容安全策略（CSP）禁止运行 WebAssembly：请在 script-src 中加入 'wasm-unsafe-eval'（不是 'unsafe-eval'）。",
    };
  }
  return { code: 'asset.not_wasm', message_en: `The WebAssembly module did not compile: ${text}`, message_zh: 'WebAssembly 模块无法加载，请刷新重试。', file: WASM_FILES.simd };
}

/**
 * Start the module from `input` (bytes or a Response) once per realm. A module already started
 * (by `initBest`, or by the default export `init()`) is kept.
 */
function startModule(input) {
  initialised ??= Promise.resolve(input)
    .then((module_or_path) => init({ module_or_path }))
    .catch((e) => {
      initialised = null;
      throw typed(e, compileFailure);
    });
  return initialised;
}

/** The build this engine runs: SIMD, or the scalar one on older webviews. */
const wasmName = () => (simdSupported() ? WASM_FILES.simd : WASM_FILES.scalar);

/**
 * Initialise the module with the build this engine runs: `gradphoto_bg.wasm` (SIMD) or, on older
 * webviews, `gradphoto_scalar_bg.wasm` (the same code without SIMD, slower). Use it instead of the
 * default export's `init()`; it resolves to the same value. Takes the same location options as
 * `loadAnalyzer` (`wasmUrl`, `wasmScalarUrl`, `files`) and an `onProgress` for the download.
 */
export function initBest(options = {}) {
  if (initialised) return initialised;
  const name = wasmName();
  const progress = progressOver([name], options.onProgress);
  return startModule(wasmInput(name, sourceOf(name, options), progress, 0));
}

/** A cache key for options that name files only by URL (bytes and Responses are never cached). */
function keyOf(options, names) {
  const parts = [];
  for (const n of names) {
    const s = sourceOf(n, options);
    if (!(s instanceof URL)) return null;
    parts.push(s.href);
  }
  return parts.join(' ');
}

const cached = new Map();

/**
 * The Analyzer on the calling thread: the WASM module (if not started yet) and the models,
 * downloaded in parallel with one progress stream, `onProgress(loaded, total, file)`, whose total
 * is exact (it reaches `total` once, at the end) whether or not the server compresses.
 *
 * `fullRange: 'later'` leaves out the full-range detector (a quarter of the download), which only
 * photos with no face at close range need: such a photo is then refused with
 * `model.full_range_needed` until `loadFullRange(analyzer)` has run (the worker does that itself
 * and tries the photo again). `iris: 'later'` leaves out the iris model (the eyelids of a checked
 * photo, which live frames never need): `eyes.open` then says `not_evaluated` until
 * `loadIris(analyzer)` has run (the worker fetches it after the face mesh). `expression:
 * 'later'` does the same for the expression classifier (`loadExpression`): until then
 * `expression.neutral` reads the mouth corners alone. `mesh: 'later'` starts with the detector
 * alone (0.2 of the 1.7 MB the first three models weigh): the live guide (`analyzer.guide`) then
 * frames the face from the detector's keypoints (`mesh: false` in its answer), and a photo is
 * refused with `model.not_loaded` until `loadMesh(analyzer)` has fetched the face mesh and the
 * person segmentation. The defaults, `'now'`, load all six models.
 */
export function loadAnalyzer(options = {}) {
  const { onProgress, mesh = 'now', fullRange = 'now', iris = 'now', expression = 'now' } = options;
  const models = [MODEL_FILES.detector];
  if (mesh !== 'later') models.push(MODEL_FILES.landmarks, MODEL_FILES.segmenter);
  if (fullRange !== 'later') models.push(MODEL_FILES.detectorFullRange);
  if (iris !== 'later') models.push(MODEL_FILES.iris);
  if (expression !== 'later') models.push(MODEL_FILES.expression);
  const wasm = initialised ? null : wasmName();
  const names = wasm ? [wasm, ...models] : models;
  // The module is started once per realm whatever the key: the models alone make the key.
  const key = keyOf(options, models);
  if (key && cached.has(key)) return cached.get(key);
  const progress = progressOver(names, onProgress);
  const started = wasm ? startModule(wasmInput(wasm, sourceOf(wasm, options), progress, 0)) : initialised;
  const offset = wasm ? 1 : 0;
  const loading = Promise.all([started, ...models.map((n, i) => fileBytes(n, sourceOf(n, options), progress, i + offset))])
    .then(([, ...bytes]) => {
      const named = Object.fromEntries(models.map((n, i) => [n, bytes[i]]));
      try {
        return new Analyzer(named[MODEL_FILES.detector], named[MODEL_FILES.landmarks], named[MODEL_FILES.segmenter],
          named[MODEL_FILES.detectorFullRange], named[MODEL_FILES.iris], named[MODEL_FILES.expression]);
      } catch (e) {
        throw typed(e, modelLoadFailed);
      }
    })
    .catch((e) => {
      if (key) cached.delete(key);
      throw typed(e, (x) => ({ code: 'asset.fetch_failed', message_en: String(x?.message ?? x), message_zh: '文件下载失败。' }));
    });
  if (key) cached.set(key, loading);
  return loading;
}

/**
 * Fetch models that came later (in parallel, one progress stream) and load them into `analyzer`,
 * once per analyzer and kind (`loads` remembers the loads in flight; a failed one may be tried
 * again).
 */
function loadLater(loads, analyzer, files, has, load, options) {
  if (has()) return Promise.resolve();
  if (!loads.has(analyzer)) {
    const progress = progressOver(files, options.onProgress);
    loads.set(analyzer, Promise.all(files.map((f, i) => fileBytes(f, sourceOf(f, options), progress, i)))
      .then((bytes) => { if (!has()) load(...bytes); })
      .catch((e) => { loads.delete(analyzer); throw typed(e, modelLoadFailed); }));
  }
  return loads.get(analyzer);
}

const meshLoads = new WeakMap();

/**
 * Fetch the face mesh and the person segmentation (in parallel, one progress stream) and load
 * them into `analyzer` (once per analyzer; at once if it has them already). For an analyzer from
 * `loadAnalyzer({ mesh: 'later' })`, before checking a photo. Takes the same location options as
 * `loadAnalyzer`.
 */
export function loadMesh(analyzer, options = {}) {
  return loadLater(meshLoads, analyzer, [MODEL_FILES.landmarks, MODEL_FILES.segmenter], () => analyzer.hasMesh(),
    (landmarks, segmenter) => analyzer.loadMesh(landmarks, segmenter), options);
}

const fullRangeLoads = new WeakMap();

/**
 * Fetch the full-range detector and load it into `analyzer` (once per analyzer; at once if it
 * has it already). For an analyzer from `loadAnalyzer({ fullRange: 'later' })` that refused a
 * photo with `model.full_range_needed`. Takes the same location options as `loadAnalyzer`.
 */
export function loadFullRange(analyzer, options = {}) {
  return loadLater(fullRangeLoads, analyzer, [MODEL_FILES.detectorFullRange], () => analyzer.hasFullRange(),
    (bytes) => analyzer.loadFullRange(bytes), options);
}

const irisLoads = new WeakMap();

/**
 * Fetch the iris model and load it into `analyzer` (once per analyzer; at once if it has it
 * already). For an analyzer from `loadAnalyzer({ iris: 'later' })`, before checking a photo.
 */
export function loadIris(analyzer, options = {}) {
  return loadLater(irisLoads, analyzer, [MODEL_FILES.iris], () => analyzer.hasIris(),
    (bytes) => analyzer.loadIris(bytes), options);
}

const expressionLoads = new WeakMap();

/**
 * Fetch the expression classifier and load it into `analyzer` (once per analyzer; at once if it
 * has it already). For an analyzer from `loadAnalyzer({ expression: 'later' })`.
 */
export function loadExpression(analyzer, options = {}) {
  return loadLater(expressionLoads, analyzer, [MODEL_FILES.expression], () => analyzer.hasExpression(),
    (bytes) => analyzer.loadExpression(bytes), options);
}

/**
 * The location options in a form a worker can receive: absolute URLs as strings, bytes copied.
 * Only what the caller named is sent; the worker's own defaults are its bundled URLs.
 */
function forWorker(options) {
  const out = {};
  if (options.wasmUrl != null) out.wasmUrl = absolute(options.wasmUrl).href;
  if (options.wasmScalarUrl != null) out.wasmScalarUrl = absolute(options.wasmScalarUrl).href;
  const folder = options.modelsUrl ?? options.baseUrl;
  if (folder != null) out.modelsUrl = absolute(folder, true).href;
  if (options.files) {
    out.files = {};
    for (const [name, v] of Object.entries(options.files)) {
      if (v == null) continue;
      if (isResponse(v)) throw new GradphotoError({ code: 'asset.bad_url', message_en: `files.${name}: a worker takes a URL or bytes, not a Response.`, message_zh: `files.${name} 需为地址或字节。`, file: name });
      out.files[name] = isBytes(v) ? asBytes(v).slice() : absolute(v).href;
    }
  }
  return out;
}

/** A module worker from another origin (a CDN), started through a same-origin blob that imports it. */
function crossOriginWorker(url) {
  const blob = new Blob([`import ${JSON.stringify(String(url))};`], { type: 'text/javascript' });
  const blobUrl = URL.createObjectURL(blob);
  const worker = new Worker(blobUrl, { type: 'module' });
  setTimeout(() => URL.revokeObjectURL(blobUrl), 60_000);
  return worker;
}

/** Start `worker.js`: the bundled one by default, or `workerUrl`; another origin through a blob. */
function startWorker(workerUrl) {
  if (workerUrl != null) {
    const url = absolute(workerUrl);
    const here = globalThis.location?.origin;
    return { worker: url.origin === here ? new Worker(url, { type: 'module' }) : crossOriginWorker(url), url: url.href };
  }
  try {
    // This exact form is what bundlers recognise and bundle as a worker.
    return { worker: new Worker(new URL('./worker.js', import.meta.url), { type: 'module' }), url: 'worker.js' };
  } catch (e) {
    // The package itself is on another origin (a CDN): a worker cannot start from there directly.
    if (e?.name !== 'SecurityError') throw e;
    const moduleUrl = import.meta.url;
    const url = new URL('./worker.js', moduleUrl);
    return { worker: crossOriginWorker(url), url: url.href };
  }
}

/** Worker analyzers per configuration: React StrictMode and two views share one worker. */
const workers = new Map();

/**
 * The analyzer in a module Web Worker (`worker.js`, its own WASM instance): the same
 * `checkAndStandardize` and `checkAndStandardizeRgba`, as promises, so the page stays responsive
 * while a photo is checked. Inputs are transferred to the worker (the caller's buffers are
 * emptied) and results transferred back. Calling again while a call is in flight supersedes it:
 * the earlier promise rejects with `analysis.superseded` and its result is never delivered (the
 * graduate picked another photo), and the worker drops it at its next stage. `onStage(stage)`
 * hears each stage as the photo enters it: `decode`, `analyse`, `check`, `standardise`.
 *
 * The same options (locations, `warmUp`) give the same worker: a second call shares the first's
 * worker and download, and the worker ends when every holder has called `terminate()`.
 */
export function createWorkerAnalyzer(options = {}) {
  const { onProgress, warmUp = true, workerUrl } = options;
  const sent = forWorker(options);
  const hasBytes = Object.values(sent.files ?? {}).some((v) => typeof v !== 'string');
  const key = hasBytes ? null : JSON.stringify([workerUrl == null ? null : absolute(workerUrl).href, sent, warmUp]);
  let shared = key ? workers.get(key) : null;
  if (!shared) {
    shared = startShared(sent, warmUp, workerUrl, key);
    if (key) workers.set(key, shared);
  }
  shared.holders += 1;
  if (onProgress) shared.listeners.add(onProgress);
  shared.replay(onProgress);
  return shared.ready.then(
    (api) => {
      let ended = false;
      return { ...api, terminate: () => { if (!ended) { ended = true; shared.release(onProgress); } } };
    },
    (e) => { shared.release(onProgress); throw e; },
  );
}

/** Start one worker with its init call, shared by every `createWorkerAnalyzer` of its key. */
function startShared(sent, warmUp, workerUrl, key) {
  const shared = { holders: 0, listeners: new Set(), last: null };
  let worker;
  let url;
  const pending = new Map();
  let next = 0;
  let latest = null; // the photo call whose result counts
  const failAll = (info) => {
    for (const call of pending.values()) call.reject(new GradphotoError(info));
    pending.clear();
  };
  shared.replay = (listener) => { if (listener && shared.last) listener(...shared.last); };
  shared.release = (listener) => {
    shared.holders -= 1;
    if (listener) shared.listeners.delete(listener);
    // A macrotask later: a component that unmounts and mounts again at once (React StrictMode)
    // takes the same worker back instead of starting a second download.
    setTimeout(() => {
      if (shared.holders > 0) return;
      if (key && workers.get(key) === shared) workers.delete(key);
      worker?.terminate();
      failAll({ code: 'worker.terminated', message_en: 'The analysis worker was terminated.', message_zh: '分析线程已结束。' });
    }, 0);
  };
  const call = (message, transfer = [], onStage) => new Promise((resolve, reject) => {
    const id = next += 1;
    pending.set(id, { resolve, reject, onStage });
    worker.postMessage({ id, ...message }, transfer);
  });
  const photoCall = (message, transfer, onStage) => {
    if (latest != null && pending.has(latest)) {
      pending.get(latest).reject(new GradphotoError({ code: 'analysis.superseded', message_zh: '已改为检查新选择的照片。', message_en: 'Superseded by a newer photo.' }));
      pending.delete(latest);
      worker.postMessage({ op: 'cancel', target: latest }); // it stops at its next stage
    }
    const promise = call(message, transfer, onStage);
    latest = next;
    return promise;
  };
  shared.ready = (async () => {
    try {
      ({ worker, url } = startWorker(workerUrl));
    } catch (e) {
      throw new GradphotoError({ code: 'worker.failed', message_en: `The analysis worker could not start: ${e?.message ?? e}`, message_zh: '分析线程无法启动。', file: 'worker.js' });
    }
    worker.onmessage = ({ data }) => {
      if (data.progress) { shared.last = data.progress; for (const l of shared.listeners) l(...data.progress); return; }
      const c = pending.get(data.id);
      if (!c) return; // superseded
      if (data.stage) { c.onStage?.(data.stage); return; }
      pending.delete(data.id);
      if ('error' in data) c.reject(new GradphotoError(data.error)); else c.resolve(data.result);
    };
    worker.onerror = (e) => {
      e.preventDefault?.();
      failAll({ code: 'worker.failed', message_en: `The analysis worker (${url}) failed: ${e.message || 'its script did not load (missing, not JavaScript, or blocked)'}`, message_zh: '分析线程出错（脚本未能加载）。', file: 'worker.js', url });
    };
    await call({ op: 'init', options: sent, warmUp });
    return {
      checkAndStandardize: (bytes, preset, background, onStage) =>
        photoCall({ op: 'checkAndStandardize', bytes, preset, background }, [bytes.buffer], onStage),
      checkAndStandardizeRgba: (rgba, width, height, preset, background, facing, onStage) =>
        photoCall({ op: 'checkAndStandardizeRgba', rgba, width, height, preset, background, facing }, [rgba.buffer], onStage),
      checkAndStandardizeBitmap: typeof OffscreenCanvas === 'function'
        ? (bitmap, preset, background, facing, onStage) =>
          photoCall({ op: 'checkAndStandardizeBitmap', bitmap, preset, background, facing }, [bitmap], onStage)
        : null,
      guide: (rgba, width, height, preset, facing) =>
        call({ op: 'guide', rgba, width, height, preset, facing }, [rgba.buffer]),
      preview: (file, width, height) => call({ op: 'preview', file, width, height }),
      guideBitmap: typeof OffscreenCanvas === 'function'
        ? (bitmap, preset, facing) => call({ op: 'guideBitmap', bitmap, preset, facing }, [bitmap])
        : null,
    };
  })();
  shared.ready.catch(() => { if (key && workers.get(key) === shared) workers.delete(key); });
  return shared;
}

/**
 * Start the worker for these options and download everything it needs before the first photo:
 * a later `createWorkerAnalyzer` with the same options gets it at once. The worker is kept for
 * the page's lifetime. For a page that knows a photo is coming (the step before the camera).
 */
export function preload(options = {}) {
  return createWorkerAnalyzer(options).then((analyzer) => { kept.add(analyzer); });
}

/** Analyzers `preload` keeps alive for the page. */
const kept = new Set();
