// The analyzer in Node (a server-side check, a test, a build step): the module and models are
// read from this package's folder with `fs` (Node's `fetch` cannot read `file:` URLs, which is
// where `init()` from `gradphoto.js` fails), then loaded as bytes. Node has no Web Workers for
// this: calls run on the calling thread.
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { GradphotoError, MODEL_FILES, WASM_FILES, initBest, loadAnalyzer as loadFromSources } from './loader.js';

/** A path or `file:` URL as a URL; a folder's ends in a slash. */
function fileUrl(where, isFolder = false) {
  if (where instanceof URL) return where;
  const text = String(where);
  const url = text.startsWith('file:') ? new URL(text) : pathToFileURL(text);
  if (isFolder && !url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

async function read(name, url) {
  try {
    return new Uint8Array(await readFile(url));
  } catch (e) {
    throw new GradphotoError({ code: 'asset.fetch_failed', message_en: `${name}: cannot read ${url.pathname} (${e.code ?? e.message})`, message_zh: `无法读取 ${name}。`, file: name, url: url.href });
  }
}

/**
 * Start the module once per process from `wasm`: a path, a `file:` URL or bytes (by default the
 * package's SIMD build, which Node runs). Later calls return the first start.
 */
export async function initNode(wasm) {
  const bytes = wasm == null
    ? await read(WASM_FILES.simd, new URL('./gradphoto_bg.wasm', import.meta.url))
    : typeof wasm === 'string' || wasm instanceof URL ? await read(WASM_FILES.simd, fileUrl(wasm)) : wasm;
  return initBest({ files: { [WASM_FILES.simd]: bytes, [WASM_FILES.scalar]: bytes } });
}

/**
 * The Analyzer, with every model: `dir` is a folder holding `models/` (by default this package's
 * folder), `wasm` as for `initNode`. `onProgress(loaded, total, file)` as in `loadAnalyzer`.
 */
export async function loadAnalyzer({ dir, wasm, onProgress } = {}) {
  await initNode(wasm);
  const base = dir == null ? new URL('./', import.meta.url) : fileUrl(dir, true);
  const files = {};
  await Promise.all(Object.values(MODEL_FILES).map(async (n) => { files[n] = await read(n, new URL(`models/${n}`, base)); }));
  return loadFromSources({ files, onProgress });
}
