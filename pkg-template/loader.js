// Fetch the face models once, with progress, and build the Analyzer. The promise is cached, so
// calling loadAnalyzer again (from the camera view and the upload view, say) costs nothing.
import { Analyzer } from './gradphoto.js';

export const MODEL_FILES = {
  detector: 'face_detection_short_range_w16.onnx',
  landmarks: 'face_landmark_w16.onnx',
  segmenter: 'selfie_segmentation_fixed_w16.onnx',
  detectorFullRange: 'face_detection_full_range_w16.onnx',
};

let cached = null;

/**
 * @param {{ baseUrl?: string | URL, onProgress?: (loaded: number, total: number) => void }} options
 * @returns {Promise<Analyzer>}
 */
export function loadAnalyzer({ baseUrl = new URL('./models/', import.meta.url), onProgress } = {}) {
  cached ??= (async () => {
    const names = Object.values(MODEL_FILES);
    const responses = await Promise.all(names.map(async (n) => {
      const r = await fetch(new URL(n, baseUrl));
      if (!r.ok) throw { code: 'model.load_failed', message_en: `${n}: HTTP ${r.status}`, message_zh: `模型 ${n} 下载失败（HTTP ${r.status}）` };
      return r;
    }));
    const total = responses.reduce((s, r) => s + Number(r.headers.get('content-length') ?? 0), 0);
    let loaded = 0;
    const bytes = await Promise.all(responses.map(async (r) => {
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
    return new Analyzer(bytes[0], bytes[1], bytes[2], bytes[3]);
  })().catch((e) => { cached = null; throw e; });
  return cached;
}
