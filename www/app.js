// The demo shell: picks a photo, hands pixels to gradphoto, renders what it returns.
// It decides nothing itself: sizes, limits and errors all come from the WASM module.
import init, { presets, info, encodeRgba, version } from '../pkg/gradphoto.js';
import { loadAnalyzer } from '../pkg/loader.js';

const $ = (id) => document.getElementById(id);
const text = {
  zh: { title: '毕业图像采集', loading: '正在加载…', ready: '请选择一张照片', pick: '选择照片', preset: '规格',
        source: '原图', output: '输出文件', download: '下载 JPEG', working: '处理中…', done: '完成',
        size: '尺寸', format: '格式', orientation: 'EXIF 方向', camera: '相机', lens: '镜头', software: '软件',
        focal: '焦距', taken: '拍摄时间', quality: '质量', bytes: '大小', dpi: '分辨率', lang: 'English',
        face: '面部分析', live: '实时取景', start: '打开相机', models: '正在下载模型', faces: '人脸数', eyes: '双眼间距',
        checklist: '合规检查', pass: '通过', fail: '不通过', warn: '需注意', not_evaluated: '未判断', measured: '测量值', allowed: '允许范围',
        eyeline: '眼线倾角', facewidth: '脸宽', pose: '姿态（偏航/俯仰/翻滚）', mouth: '张嘴比例', crown: '头顶位置', noface: '未检测到人脸' },
  en: { title: 'Graduation photo', loading: 'Loading…', ready: 'Pick a photo', pick: 'Pick a photo', preset: 'Spec',
        source: 'Original', output: 'Output file', download: 'Download JPEG', working: 'Working…', done: 'Done',
        size: 'Size', format: 'Format', orientation: 'EXIF orientation', camera: 'Camera', lens: 'Lens', software: 'Software',
        focal: 'Focal length', taken: 'Taken', quality: 'Quality', bytes: 'File size', dpi: 'Density', lang: '中文',
        face: 'Face analysis', live: 'Live view', start: 'Start camera', models: 'Downloading models', faces: 'Faces', eyes: 'Eye distance',
        checklist: 'Compliance check', pass: 'Pass', fail: 'Fail', warn: 'Check', not_evaluated: 'Not judged', measured: 'measured', allowed: 'allowed',
        eyeline: 'Eye-line tilt', facewidth: 'Face width', pose: 'Pose (yaw/pitch/roll)', mouth: 'Mouth opening', crown: 'Crown', noface: 'No face found' },
};
let lang = 'zh';
let lastError = null;
let lastReport = null;

// The checklist: what Rust judged, in the chosen language. Failing rules first.
function renderReport() {
  if (!lastReport) return;
  const order = { fail: 0, warn: 1, not_evaluated: 2, pass: 3 };
  const icon = { pass: '✓', fail: '✗', warn: '!', not_evaluated: '–' };
  $('verdict').textContent = `${t(lastReport.verdict)} · ${lastReport.rules.filter((r) => r.status === 'fail').length} ${t('fail')}`;
  const list = $('rules'); list.replaceChildren();
  for (const r of [...lastReport.rules].sort((a, b) => order[a.status] - order[b.status])) {
    const li = document.createElement('li');
    li.className = r.status; li.dataset.id = r.id; li.dataset.status = r.status;
    const range = r.allowed ? `[${r.allowed.min ?? ''}, ${r.allowed.max ?? ''}]` : '';
    const value = r.measured == null ? '' : ` ${t('measured')} ${r.measured} ${r.unit} ${t('allowed')} ${range}`;
    li.innerHTML = '<span class="icon"></span><span class="what"></span><span class="hint"></span>';
    li.querySelector('.icon').textContent = icon[r.status];
    li.querySelector('.what').textContent = `${r.id}${value}`;
    li.querySelector('.hint').textContent = lang === 'zh' ? r.hint_zh : r.hint_en;
    list.append(li);
  }
  // Outline each failing rule's region on the analysis overlay (the boxes come from Rust).
  const ctx = $('overlay').getContext('2d');
  ctx.lineWidth = Math.max(2, $('overlay').width / 200);
  ctx.strokeStyle = '#e53935';
  ctx.font = `${Math.max(12, $('overlay').width / 40)}px sans-serif`;
  ctx.fillStyle = '#e53935';
  for (const r of lastReport.rules) {
    if (r.status !== 'fail' || !r.region) continue;
    ctx.strokeRect(r.region.x, r.region.y, r.region.width, r.region.height);
    ctx.fillText(r.id, r.region.x + 4, r.region.y + ctx.lineWidth + 12);
  }
  $('report').dataset.verdict = lastReport.verdict;
  $('report').hidden = false;
}
const t = (k) => text[lang][k];

function applyLanguage() {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.querySelectorAll('[data-i18n]').forEach((el) => { el.textContent = t(el.dataset.i18n); });
  $('lang').textContent = t('lang');
  if (lastError) showError(lastError);
  if (lastReport) renderReport();
}

function showError(e) {
  lastError = e;
  const msg = e && e.code ? `${lang === 'zh' ? e.message_zh : e.message_en} (${e.code})` : String(e);
  $('error').textContent = msg;
  $('error').hidden = false;
}

function row(dl, key, value) {
  const dt = document.createElement('dt'); dt.textContent = t(key);
  const dd = document.createElement('dd'); dd.textContent = value ?? '–';
  dl.append(dt, dd);
}

async function pixelsOf(file) {
  // The browser decodes faster than WASM and applies EXIF orientation itself.
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  const canvas = document.createElement('canvas');
  canvas.width = bitmap.width; canvas.height = bitmap.height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  return ctx.getImageData(0, 0, canvas.width, canvas.height);
}

async function onFile(file) {
  $('error').hidden = true; lastError = null; lastReport = null; $('report').hidden = true;
  $('result').hidden = true;
  $('status').textContent = t('working');
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const meta = info(bytes); // validates the file and reads EXIF; throws a typed error
    const img = await pixelsOf(file);
    const out = encodeRgba(img.data, img.width, img.height, $('preset').value);
    const dl = $('info'); dl.replaceChildren();
    row(dl, 'size', `${meta.width}×${meta.height}`);
    row(dl, 'format', meta.format);
    row(dl, 'orientation', meta.orientation);
    row(dl, 'camera', [meta.exif.make, meta.exif.model].filter(Boolean).join(' ') || null);
    row(dl, 'lens', meta.exif.lens_model);
    row(dl, 'software', meta.exif.software);
    row(dl, 'focal', meta.exif.focal_length_mm ? `${meta.exif.focal_length_mm.toFixed(1)} mm` : null);
    row(dl, 'taken', meta.exif.date_time_original);
    const blob = new Blob([out.jpeg], { type: 'image/jpeg' });
    const url = URL.createObjectURL(blob);
    $('output').src = url;
    $('download').href = url;
    $('outinfo').textContent = `${out.width}×${out.height} · ${out.dpi} dpi · ${t('quality')} ${out.quality} · ${(out.size_bytes / 1024).toFixed(1)} KB`;
    $('outinfo').dataset.result = JSON.stringify({ ...out, jpeg: undefined });
    $('result').hidden = false;
    await showAnalysis(img);
    const analyzerReady = await analyzer();
    lastReport = analyzerReady.check(bytes, $('preset').value);
    renderReport();
    $('status').textContent = t('done');
  } catch (e) {
    showError(e);
    $('status').textContent = t('ready');
  }
}

function analyzer() {
  return loadAnalyzer({
    baseUrl: new URL('../pkg/models/', import.meta.url),
    onProgress: (loaded, total) => { $('status').textContent = `${t('models')} ${Math.round(100 * loaded / (total || 1))}%`; },
  });
}

// Draw what Rust measured; the numbers and the drawing both come from the WASM module.
async function showAnalysis(img) {
  const a = await analyzer();
  const { analysis, overlay } = a.overlayRgba(img.data, img.width, img.height);
  const canvas = $('overlay');
  canvas.width = img.width; canvas.height = img.height;
  canvas.getContext('2d').putImageData(new ImageData(overlay, img.width, img.height), 0, 0);
  const dl = $('facts'); dl.replaceChildren();
  row(dl, 'faces', String(analysis.faces.length));
  const f = analysis.faces[0];
  if (f) {
    const g = f.geometry;
    row(dl, 'eyes', `${g.inter_eye_px.toFixed(1)} px`);
    row(dl, 'eyeline', `${g.eye_line_deg.toFixed(1)}°`);
    row(dl, 'facewidth', `${g.face_width_px.toFixed(1)} px`);
    if (g.pose) row(dl, 'pose', `${g.pose.yaw_deg.toFixed(1)}° / ${g.pose.pitch_deg.toFixed(1)}° / ${g.pose.roll_deg.toFixed(1)}°`);
    row(dl, 'mouth', g.mouth_open_ratio.toFixed(3));
    row(dl, 'crown', g.crown ? `y = ${g.crown.y.toFixed(0)} px` : '–');
  } else {
    row(dl, 'faces', t('noface'));
  }
  $('analysis').dataset.result = JSON.stringify({ faces: analysis.faces.length, geometry: f?.geometry ?? null });
  $('analysis').hidden = false;
}

async function startCamera() {
  const video = $('video');
  try {
    video.srcObject = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment', width: 640, height: 480 } });
    await video.play();
    const a = await analyzer();
    const work = document.createElement('canvas');
    const live = $('live');
    let frames = 0, since = performance.now();
    const tick = () => {
      if (!video.videoWidth) return requestAnimationFrame(tick);
      work.width = live.width = video.videoWidth; work.height = live.height = video.videoHeight;
      const ctx = work.getContext('2d', { willReadFrequently: true });
      ctx.drawImage(video, 0, 0);
      const frame = ctx.getImageData(0, 0, work.width, work.height);
      try {
        const { overlay, analysis } = a.overlayRgba(frame.data, frame.width, frame.height, true);
        live.getContext('2d').putImageData(new ImageData(overlay, frame.width, frame.height), 0, 0);
        live.dataset.faces = analysis.faces.length;
      } catch (e) { showError(e); return; }
      frames += 1;
      const now = performance.now();
      if (now - since > 1000) { $('camstatus').textContent = `${(frames * 1000 / (now - since)).toFixed(1)} fps`; frames = 0; since = now; }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  } catch (e) {
    showError(e && e.code ? e : String(e));
  }
}

async function main() {
  $('lang').addEventListener('click', () => { lang = lang === 'zh' ? 'en' : 'zh'; applyLanguage(); });
  try {
    await init();
  } catch (e) {
    // Engines without WebAssembly SIMD fail to compile the module: say so plainly.
    showError(lang === 'zh' ? '此浏览器不支持 WebAssembly SIMD，请更新微信或浏览器。' : 'This browser lacks WebAssembly SIMD; please update WeChat or the browser.');
    return;
  }
  for (const p of presets()) {
    const o = document.createElement('option');
    o.value = p.id; o.textContent = `${p.name_zh} ${p.output.width}×${p.output.height}`;
    $('preset').append(o);
  }
  $('file').disabled = false;
  $('camera').addEventListener('click', startCamera);
  $('file').addEventListener('change', (ev) => ev.target.files[0] && onFile(ev.target.files[0]));
  $('status').textContent = t('ready');
  document.body.dataset.ready = version();
}

main();
