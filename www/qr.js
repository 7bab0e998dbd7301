// The 图像采集码 (an opaque QR payload): from the camera with the browser's BarcodeDetector where it
// has one, else with the WASM decoder on camera frames; from an album screenshot with the WASM
// decoder on the file's bytes.
import { decodeQr, decodeQrRgba } from '../pkg/gradphoto.js';
import { openCamera, grabFrame } from './camera.js';

/** Decode a screenshot's bytes (JPEG, PNG, WebP). Throws `qr.not_found` and the like. */
export async function decodeQrFile(file) {
  return decodeQr(new Uint8Array(await file.arrayBuffer()));
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
            return finish(resolve, decodeQrRgba(frame.rgba, frame.width, frame.height));
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
