// The camera: the rear camera at the highest resolution it gives (ideal 4032×3024), a live guide
// drawn over the video from what Rust's `analyzer.guide` returns (head oval and hint), and a
// full-resolution capture as RGBA. Nothing here judges the photo.

const cameraError = (code, zh, en) => ({ code, message_zh: zh, message_en: en });

/**
 * Start the camera into `video`. Resolves to `{ stop(), width, height, facing }` once frames
 * arrive; `facing` is the camera the browser reports (`user` = front, `environment` = rear), or
 * the one asked for where it reports none (desktop webcams, test devices).
 * @param {HTMLVideoElement} video
 */
export async function openCamera(video, { facingMode = 'environment', width = 4032, height = 3024 } = {}) {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw cameraError('camera.unavailable', '此浏览器无法使用相机，请从相册选择照片。', 'This browser cannot use the camera; pick a photo from the album instead.');
  }
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { facingMode: { ideal: facingMode }, width: { ideal: width }, height: { ideal: height } },
    });
  } catch (e) {
    if (e?.name === 'NotAllowedError') {
      throw cameraError('camera.denied', '没有相机权限：请在设置中允许使用相机，或从相册选择照片。', 'Camera permission denied: allow it in the settings, or pick a photo from the album.');
    }
    throw cameraError('camera.failed', `无法打开相机（${e?.name ?? e}），请从相册选择照片。`, `Could not open the camera (${e?.name ?? e}); pick a photo from the album instead.`);
  }
  video.srcObject = stream;
  video.muted = true;
  video.playsInline = true;
  await video.play();
  for (let i = 0; i < 100 && !video.videoWidth; i += 1) await new Promise((ok) => setTimeout(ok, 50));
  const reported = stream.getVideoTracks()[0]?.getSettings?.().facingMode;
  return {
    width: video.videoWidth,
    height: video.videoHeight,
    facing: reported === 'user' || reported === 'environment' ? reported : facingMode,
    stop() {
      for (const track of stream.getTracks()) track.stop();
      video.srcObject = null;
    },
  };
}

let scratch = null;

/**
 * The current video frame as RGBA: `{ rgba: Uint8ClampedArray, width, height, scale }`, reduced
 * so that its long side is at most `maxSide` (`scale` = frame px / video px). Full resolution by
 * default.
 */
export function grabFrame(video, maxSide = Infinity) {
  const vw = video.videoWidth; const vh = video.videoHeight;
  const scale = Math.min(1, maxSide / Math.max(vw, vh));
  const width = Math.max(1, Math.round(vw * scale)); const height = Math.max(1, Math.round(vh * scale));
  scratch ??= document.createElement('canvas');
  scratch.width = width; scratch.height = height;
  const ctx = scratch.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(video, 0, 0, width, height);
  const image = ctx.getImageData(0, 0, width, height);
  return { rgba: image.data, width, height, scale };
}

/**
 * Draw Rust's guide over the video: the head oval (green when ready, white otherwise), the area
 * outside it dimmed, and the hint text. `canvas` covers the video and uses video pixels; the
 * guide's oval is in the pixels of the frame it was given (`scale` relative to the video).
 */
export function drawGuide(canvas, video, guide, scale, lang = 'zh') {
  const w = video.videoWidth; const h = video.videoHeight;
  if (canvas.width !== w || canvas.height !== h) { canvas.width = w; canvas.height = h; }
  const ctx = canvas.getContext('2d');
  ctx.clearRect(0, 0, w, h);
  if (!guide) return;
  const unit = Math.max(w, h) / 100;
  const { cx, cy, rx, ry } = guide.oval;
  ctx.save();
  ctx.fillStyle = 'rgba(0, 0, 0, 0.35)';
  ctx.beginPath();
  ctx.rect(0, 0, w, h);
  ctx.moveTo((cx + rx) / scale, cy / scale);
  ctx.ellipse(cx / scale, cy / scale, rx / scale, ry / scale, 0, 0, 2 * Math.PI);
  ctx.fill('evenodd');
  ctx.lineWidth = Math.max(2, unit * 0.6);
  ctx.strokeStyle = guide.ready ? '#2ecc71' : '#ffffff';
  ctx.beginPath();
  ctx.ellipse(cx / scale, cy / scale, rx / scale, ry / scale, 0, 0, 2 * Math.PI);
  ctx.stroke();
  const text = lang === 'zh' ? guide.hint?.zh : guide.hint?.en;
  if (text) {
    ctx.font = `${Math.round(unit * 4)}px system-ui, sans-serif`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'bottom';
    const y = h - unit * 2;
    const metrics = ctx.measureText(text);
    ctx.fillStyle = 'rgba(0, 0, 0, 0.55)';
    ctx.fillRect(w / 2 - metrics.width / 2 - unit, y - unit * 5, metrics.width + 2 * unit, unit * 6);
    ctx.fillStyle = guide.ready ? '#2ecc71' : '#ffffff';
    ctx.fillText(text, w / 2, y);
  }
  ctx.restore();
}

/**
 * The current video frame as an `ImageBitmap` whose long side is at most `maxSide`, made off the
 * page's thread: `{ bitmap, width, height, scale }`.
 */
async function bitmapFrame(video, maxSide) {
  const vw = video.videoWidth; const vh = video.videoHeight;
  const scale = Math.min(1, maxSide / Math.max(vw, vh));
  const width = Math.max(1, Math.round(vw * scale)); const height = Math.max(1, Math.round(vh * scale));
  const bitmap = await createImageBitmap(video, { resizeWidth: width, resizeHeight: height, resizeQuality: 'medium' });
  return { bitmap, width, height, scale };
}

/**
 * Run the live guide on every new camera frame (`requestVideoFrameCallback`, else each
 * animation frame) at the rate the device holds, and draw each answer.
 *
 * In a worker (`guideBitmap(bitmap)` given: the frame goes over as an `ImageBitmap`, made and read
 * back off the page's thread) two frames are in flight, so the worker starts the next frame as it
 * answers the last instead of waiting for the page's round trip. On the page (`guide(rgba, width,
 * height)` answering a value) one frame at a time, and it waits at least as long as the last took,
 * so taps stay responsive. Returns `{ stop(), redraw(), frames() }`.
 */
export function startGuide({ video, canvas, guide, guideBitmap = null, onGuide, onError, lang = () => 'zh', maxSide = 640 }) {
  let stopped = false; let inFlight = 0; let notBefore = 0; let last = null; let lastScale = 1; let frames = 0;
  let onPage = false;
  const depth = () => (onPage ? 1 : 2);
  const ask = async () => {
    if (guideBitmap) {
      const frame = await bitmapFrame(video, maxSide);
      return { scale: frame.scale, answer: await guideBitmap(frame.bitmap) };
    }
    const frame = grabFrame(video, maxSide);
    const answer = guide(frame.rgba, frame.width, frame.height);
    onPage = typeof answer?.then !== 'function';
    return { scale: frame.scale, answer: await answer };
  };
  const send = () => {
    inFlight += 1;
    const t0 = performance.now();
    ask().then(({ scale, answer }) => {
      if (stopped) return;
      last = answer;
      lastScale = scale;
      drawGuide(canvas, video, last, lastScale, lang());
      onGuide?.(last, performance.now() - t0);
      frames += 1;
    }, (e) => { if (!stopped) onError?.(e); }).finally(() => {
      inFlight -= 1;
      if (onPage) notBefore = performance.now() + (performance.now() - t0);
    });
  };
  const byVideoFrame = typeof video.requestVideoFrameCallback === 'function';
  const tick = () => {
    if (stopped) return;
    if (inFlight < depth() && performance.now() >= notBefore && video.videoWidth && !video.paused) send();
    if (byVideoFrame) video.requestVideoFrameCallback(tick); else requestAnimationFrame(tick);
  };
  tick();
  return {
    stop() { stopped = true; canvas.getContext('2d').clearRect(0, 0, canvas.width, canvas.height); },
    redraw() { if (last) drawGuide(canvas, video, last, lastScale, lang()); },
    /** Guided frames drawn so far. */
    frames: () => frames,
  };
}
