// QR decoding in a WASM instance of its own. The decoder (rqrr) can trap on some images
// (rqrr#54: an assertion in its grid search); in WASM a panic cannot be caught, so it runs here,
// where a trap ends only this worker and never the page's analyzer or flow.
import { decodeQr, decodeQrRgba } from '../pkg/gradphoto.js';
import { initBest } from '../pkg/loader.js';

const ready = initBest();

self.onmessage = async ({ data }) => {
  const { id, bytes, rgba, width, height } = data;
  try {
    await ready;
    const text = bytes ? decodeQr(bytes) : decodeQrRgba(rgba, width, height);
    self.postMessage({ id, text });
  } catch (e) {
    // A typed error (`qr.not_found`, `input.*`) is passed on as its fields (a posted Error keeps
    // only its message); anything else is a trap.
    const error = e?.code ? { code: e.code, message_zh: e.message_zh, message_en: e.message_en } : null;
    self.postMessage({ id, error, trapped: !e?.code });
  }
};
