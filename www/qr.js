// The 图像采集码 (an opaque QR payload): from the camera with the browser's BarcodeDetector where it
// has one, else with the WASM decoder on camera frames; from an album screenshot with the WASM
// decoder on the file's bytes.
// Decoding runs in `qr-worker.js` (its own WASM instance: see there why); a worker that trapped
// is replaced before the next call.
import { openCamera, grabFrame } from './camera.js';

const unreadable = () => ({
  code: 'qr.unreadable',
  message_zh: '找到了二维码但无法识别。请重新截取清晰的图像采集码截图（不要翻拍屏幕）。',
  message_en: 'A QR code was found but could not be read. Take a sharper screenshot of the code and try again.',
});

let worker = null;
let nextId = 0;
const pending = new Map();

function qrWorker() {
  if (worker) return worker;
  worker = new Worker(new URL('./qr-worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = ({ data }) => {
    const job = pending.get(data.id);
    if (!job) return;
    pending.delete(data.id);
    if (data.trapped) { worker.terminate(); worker = null; }
    if (data.error || data.trapped) job.reject(data.error ?? unreadable());
    else job.resolve(data.text);
  };
  worker.onerror = () => {
    // The worker died: fail what it held and start afresh next time.
    for (const job of pending.values()) job.reject(unreadable());
    pending.clear();
    worker?.terminate();
    worker = null;
  };
  return worker;
}

function decodeInWorker(message, transfer) {
  return new Promise((resolve, reject) => {
    const id = ++nextId;
    pending.set(id, { resolve, reject });
    qrWorker().postMessage({ id, ...message }, transfer);
  });
}

/** Decode a screenshot's bytes (JPEG, PNG, WebP). Rejects with `qr.not_found` and the like. */
export async function decodeQrFile(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  return decodeInWorker({ bytes }, [bytes.buffer]);
}

async function barcodeDetector() {
  if (!('BarcodeDetector' in window)) return null;
  try {
    const formats = await window.BarcodeDetector.getSupportedFormats();
    return formats.includes('qr_code') ? new window.BarcodeDetector({ formats: ['qr_code'] }) : null;
  } catch {
    return null;
  }
}

const cancelled = () => ({ code: 'qr.cancelled', message_zh: '已取消扫码。', message_en: 'Scanning cancelled.' });

/**
 * Scan with the camera into `video` until a code is read; resolves to its text. `signal` (an
 * AbortSignal) stops the scan and rejects with `qr.cancelled`.
 */
export async function scanWithCamera(video, { signal } = {}) {
  if (signal?.aborted) throw cancelled();
  const camera = await openCamera(video, { width: 1920, height: 1080 });
  // Stopped while the camera was opening: close it at once.
  if (signal?.aborted) { camera.stop(); throw cancelled(); }
  const detector = await barcodeDetector(); // never throws
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (fn, value) => { if (done) return; done = true; camera.stop(); fn(value); };
    if (signal?.aborted) return finish(reject, cancelled());
    signal?.addEventListener('abort', () => finish(reject, cancelled()), { once: true });
    const tick = async () => {
      if (done) return;
      try {
        if (detector) {
          const codes = await detector.detect(video);
          if (codes.length) return finish(resolve, codes[0].rawValue);
        } else {
          const frame = grabFrame(video, 1280);
          try {
            const { rgba, width, height } = frame;
            return finish(resolve, await decodeInWorker({ rgba, width, height }, [rgba.buffer]));
          } catch (e) {
            // A frame without a readable code: keep scanning. Other errors end the scan.
            if (!String(e?.code ?? '').startsWith('qr.')) throw e;
          }
        }
      } catch (e) {
        return finish(reject, e);
      }
      setTimeout(() => requestAnimationFrame(tick), 250);
    };
    requestAnimationFrame(tick);
  });
}
