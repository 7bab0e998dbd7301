// The photo step: the rear (or front) camera with Rust's live guide, or a photo from the album,
// then one call into Rust for the compliance report and the standardised photo, applied to the
// flow as photo_captured → precheck_completed → standardised. It decides nothing: Rust refuses
// what is not allowed (a failed closed loop included) and the page shows what Rust said.
import { info } from '../pkg/gradphoto_flow.js';
import { loadAnalyzer, createWorkerAnalyzer } from '../pkg/loader.js';
import { openCamera, grabFrame, startGuide } from './camera.js';
import { outlineFailures } from './report.js';
import { keepJpeg, clearJpegs } from './store.js';

/**
 * @param {object} ctx the page's shared pieces: `$`, `t`, `view` (its state), `preset`, `lang()`,
 *   `flow()`, `apply(event, { quiet })`, `settle()` (render and record the step), `say(id, message)`,
 *   `render()`, `setStdUrl(jpeg)`, `nextPaint()`.
 */
export function createPhotoView({ $, t, view, preset, lang, flow, apply, settle, say, render, setStdUrl, nextPaint }) {
  const PRESET = preset;
  const SHOT_SIDE = 960; // the checked photo's preview, long side in canvas pixels
  const PICK_PREVIEW_SIDE = 360; // the picked photo while it is checked, long side in canvas pixels
  const STAGES = ['decode', 'analyse', 'check', 'standardise']; // as the worker names them

  let analyzerPromise = null;
  function analyzer() {
    analyzerPromise ??= loadAnalyzer({
      modelsUrl: new URL('../pkg/models/', import.meta.url),
      onProgress: (loaded, total) => { $('photo-status').textContent = `${t('models')} ${Math.round((100 * loaded) / (total || 1))}%`; },
    }).then((a) => { $('photo-status').textContent = ''; return a; }, (e) => { analyzerPromise = null; throw e; });
    return analyzerPromise;
  }

  // The check, the standardisation and the live guide run in a Web Worker (pkg/worker.js), so the
  // page keeps answering taps meanwhile; where module workers are missing, on the page's own
  // analyzer.
  let checkerPromise = null;
  let checkerReady = null; // the analyzer once it has started, for what must not wait for it
  function checker() {
    checkerPromise ??= createWorkerAnalyzer({
      modelsUrl: new URL('../pkg/models/', import.meta.url),
      onProgress: (loaded, total) => { $('photo-status').textContent = `${t('models')} ${Math.round((100 * loaded) / (total || 1))}%`; },
    }).then((w) => { $('photo-status').textContent = ''; checkerReady = w; return w; }, (e) => {
      checkerPromise = null;
      // A file that did not load is said as it is; a worker that could not start (no module
      // workers in this webview) falls back to the page's own analyzer.
      if (e?.code !== 'worker.failed') throw e;
      return analyzer();
    });
    return checkerPromise;
  }

  function preloadAnalyzer() {
    checker().catch((e) => say('photo-msg', e));
  }

  function stopCamera() {
    view.guide?.stop(); view.guide = null;
    view.camera?.stop(); view.camera = null;
    view.lastGuide = null;
    $('viewfinder').hidden = true;
  }

  async function toggleCamera() {
    if (view.camera) { stopCamera(); return; }
    await startCamera();
  }

  /** Front or rear: the guide and the selfie rule are told which camera took the frames. */
  async function switchCamera() {
    view.facingWanted = view.camera?.facing === 'user' ? 'environment' : 'user';
    stopCamera();
    await startCamera();
  }

  async function startCamera() {
    // The camera opens while the analyzer is still loading (its permission prompt and start take
    // their own second on a phone); the guide starts on top once the analyzer is ready.
    const ready = checker();
    ready.catch(() => {}); // met below
    $('viewfinder').hidden = false;
    let camera;
    try {
      camera = await openCamera($('video'), { facingMode: view.facingWanted ?? 'environment' });
    } catch (e) {
      $('viewfinder').hidden = true;
      throw e;
    }
    view.camera = camera;
    document.body.dataset.facing = camera.facing;
    let a;
    try {
      a = await ready;
    } catch (e) {
      if (view.camera === camera) stopCamera();
      throw e;
    }
    if (view.camera !== camera) return; // closed or switched meanwhile
    view.guide = startGuide({
      video: $('video'),
      canvas: $('guide'),
      guide: (rgba, width, height) => a.guide(rgba, width, height, PRESET, view.camera?.facing),
      guideBitmap: a.guideBitmap ? (bitmap) => a.guideBitmap(bitmap, PRESET, view.camera?.facing) : null,
      onGuide: (g, ms) => { view.lastGuide = g; view.guideMs = Math.round(ms); renderGuideHint(); },
      onError: (e) => { say('photo-msg', e); view.guide?.stop(); }, // the capture button still works
      lang,
    });
    Object.defineProperty(window, '__guideFrames', { value: () => view.guide?.frames() ?? 0, configurable: true }); // for tests
  }

  async function capture() {
    if (!view.camera) return;
    const video = $('video');
    const facing = view.camera.facing;
    const a = await checker();
    const mine = ++latest;
    if (a.checkAndStandardizeBitmap) {
      // The frame at full resolution is made off the page's thread and handed to the worker, which
      // reads its pixels; the page keeps only a shrunk copy to show.
      const full = await createImageBitmap(video);
      const size = { width: full.width, height: full.height };
      const k = Math.min(1, SHOT_SIDE / Math.max(size.width, size.height));
      const bitmap = await createImageBitmap(full, {
        resizeWidth: Math.max(1, Math.round(size.width * k)),
        resizeHeight: Math.max(1, Math.round(size.height * k)),
        resizeQuality: 'high',
      });
      stopCamera();
      await processPhoto({ capture: { bitmap: full, facing }, bitmap, size, mine });
      return;
    }
    const frame = grabFrame(video); // full resolution, read on the page (no OffscreenCanvas)
    frame.facing = facing;
    stopCamera();
    await processPhoto({ frame, mine });
  }

  // Each pick or capture takes a number; only the latest one's result is shown. A photo picked
  // while another is being checked supersedes it (a graduate who taps again, or picks the right
  // photo after the wrong one, sees the one they picked last).
  let latest = 0;
  const superseded = { code: 'analysis.superseded', message_zh: '已改为检查新选择的照片。', message_en: 'Superseded by a newer photo.' };

  async function photoFromFile(ev) {
    const file = ev.target.files[0];
    ev.target.value = '';
    if (!file) return;
    const mine = ++latest;
    stopCamera();
    // Said at once: reading and shrinking a 12 MP file takes a few hundred ms on a slow phone
    // before its preview can show, and nothing on screen said the pick had registered.
    $('photo-status').textContent = t('analysing');
    hidePickPreview();
    let bytes;
    let size;
    try {
      bytes = new Uint8Array(await file.arrayBuffer());
      // Rust reads the headers first (no pixels: milliseconds even for 12 MP): a file that is no
      // photo is a typed error here, and the upright size sizes the preview.
      size = info(bytes);
    } catch (e) {
      if (mine === latest) $('photo-status').textContent = '';
      throw e;
    }
    const k = Math.min(1, SHOT_SIDE / Math.max(size.width, size.height));
    let bitmap = null;
    try {
      // Decoded and shrunk in the worker once it runs (on the page, a 12 MP photo's resize is a
      // task of over 100 ms on a slow phone), so drawing it costs nothing. A photo picked before
      // the worker is up, or where it could not start, is not held back for it: the page decodes it.
      const width = Math.max(1, Math.round(size.width * k));
      const height = Math.max(1, Math.round(size.height * k));
      bitmap = checkerReady?.preview
        ? await checkerReady.preview(file, width, height)
        : await createImageBitmap(file, { imageOrientation: 'from-image', resizeWidth: width, resizeHeight: height, resizeQuality: 'high' });
    } catch { /* Rust decodes it anyway */ }
    await processPhoto({ bytes, bitmap, size, mine });
  }

  /** The picked or taken photo, small, under the photo step's buttons while it is checked. */
  function showPickPreview(bitmap) {
    const canvas = $('pick-preview');
    const k = PICK_PREVIEW_SIDE / Math.max(bitmap.width, bitmap.height);
    canvas.width = Math.max(1, Math.round(bitmap.width * k));
    canvas.height = Math.max(1, Math.round(bitmap.height * k));
    canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    canvas.hidden = false;
  }

  function hidePickPreview() {
    const canvas = $('pick-preview');
    canvas.hidden = true;
    canvas.width = 0; // its pixels are not kept once hidden
  }

  /** One photo through Rust: the pre-check report and the standardised photo from one analysis. */
  async function processPhoto({ frame, capture, bytes, bitmap, size, mine }) {
    // The analysis first: if it (or the model download) fails, the previous standardised photo and
    // the flow's state stay as they were.
    let out;
    let ms;
    // The picked or taken photo shows under the buttons while it is checked (the viewfinder has
    // closed; the result's own copy comes with the checklist).
    if (bitmap && mine === latest) showPickPreview(bitmap);
    try {
      $('photo-status').textContent = t('analysing');
      const a = await checker();
      $('photo-status').textContent = t('analysing');
      await nextPaint();
      if (mine !== latest) throw superseded; // a newer photo came while this one was read
      const t0 = performance.now();
      // The frame's pixels are drawn on the page afterwards, so the worker gets a copy of them;
      // the file's bytes are handed over.
      // The worker names each stage as the photo enters it (an analyzer on the page cannot).
      const onStage = (stage) => {
        if (mine !== latest) return;
        const n = STAGES.indexOf(stage) + 1;
        $('photo-status').textContent = `${t('analysing')} ${n}/${STAGES.length} ${t(`stage_${stage}`)}`;
        $('photo-status').dataset.stage = stage;
      };
      if (capture) {
        out = await a.checkAndStandardizeBitmap(capture.bitmap, PRESET, undefined, capture.facing, onStage);
      } else {
        out = await (frame
          ? a.checkAndStandardizeRgba(frame.rgba.slice(), frame.width, frame.height, PRESET, undefined, frame.facing, onStage)
          : a.checkAndStandardize(bytes, PRESET, undefined, onStage));
      }
      ms = performance.now() - t0;
      if (mine !== latest) throw superseded; // the page's own analyzer cannot be interrupted
    } catch (e) {
      if (mine === latest) { $('photo-status').textContent = ''; delete $('photo-status').dataset.stage; hidePickPreview(); }
      bitmap?.close();
      capture?.bitmap.close(); // a no-op once handed to the worker
      throw e;
    }
    hidePickPreview(); // the result shows the photo from here on
    // The three events of one photo are applied together and the page drawn once (settle below).
    apply({ type: 'photo_captured', photo: `cap-${Date.now()}` }, { quiet: true });
    clearJpegs();
    view.result = null; view.jpeg = null; view.restored = false; view.fromServer = false; view.progress = null; view.uploadNote = '';
    setStdUrl(null);
    view.analysisMs = Math.round(ms);
    $('photo-status').textContent = `${t('analysed')} ${(view.analysisMs / 1000).toFixed(1)} s`;
    delete $('photo-status').dataset.stage;
    view.result = out;
    view.prechecked = false;
    drawShot(frame, bitmap, size);
    if (flow().allowed().can_precheck) {
      apply({ type: 'precheck_completed', summary: out.summary }, { quiet: true });
      view.prechecked = true;
    }
    if (out.standardized) {
      const ref = `std-${Date.now()}`;
      try {
        // Rust refuses a file that failed its own check (flow().standardised_failed): it is shown,
        // with the checks that failed, but never kept or offered for submission.
        apply({ type: 'standardised', photo: ref, check: out.standardized.summary }, { quiet: true });
        view.jpeg = out.standardized.jpeg;
        keepJpeg(ref, view.jpeg, out);
      } catch (e) {
        say('photo-msg', e);
      }
      setStdUrl(out.standardized.jpeg);
    }
    settle();
    // In the next frame: scrolling now would lay the page out inside this task.
    requestAnimationFrame(() => $('step-result').scrollIntoView({ block: 'start' }));
  }

  /** The photo as checked, at most SHOT_SIDE on its long side; `size`: the file's upright size. */
  function drawShot(frame, bitmap, size) {
    const canvas = $('shot');
    const w = frame?.width ?? size?.width ?? bitmap?.width; const h = frame?.height ?? size?.height ?? bitmap?.height;
    if (!w || (!frame && !bitmap)) { view.shot = null; return; }
    const k = Math.min(1, SHOT_SIDE / Math.max(w, h));
    canvas.width = Math.round(w * k); canvas.height = Math.round(h * k);
    const ctx = canvas.getContext('2d');
    if (frame) {
      const full = document.createElement('canvas');
      full.width = w; full.height = h;
      full.getContext('2d').putImageData(new ImageData(frame.rgba, w, h), 0, 0);
      ctx.drawImage(full, 0, 0, canvas.width, canvas.height);
    } else {
      ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      bitmap.close();
    }
    view.shot = { scale: k };
    if (view.result?.report) outlineFailures(canvas, view.result.report, k, lang());
  }

  function renderGuideHint() {
    const g = view.lastGuide;
    const el = $('guide-hint');
    el.hidden = !view.camera;
    if (!g) { el.textContent = ''; delete el.dataset.status; return; }
    el.textContent = lang() === 'zh' ? g.hint.zh : g.hint.en;
    el.dataset.status = g.status;
    el.dataset.ready = String(Boolean(g.ready));
    el.dataset.code = g.hint.code;
    el.dataset.ms = String(view.guideMs ?? '');
    $('capture').textContent = g.ready ? t('capture_ready') : t('capture');
    $('capture').dataset.ready = String(Boolean(g.ready));
  }

  return { analyzer, preloadAnalyzer, stopCamera, toggleCamera, switchCamera, capture, photoFromFile, renderGuideHint };
}
