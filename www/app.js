// The single-photo checker (check.html): picks a photo, hands pixels to gradphoto, renders what it returns.
// It decides nothing itself: sizes, limits and errors all come from the WASM module.
import { presets, info, version } from '../pkg/gradphoto.js';
import { initBest } from '../pkg/loader.js';
import { loadAnalyzer } from '../pkg/loader.js';
import { renderChecklist, outlineFailures, verdictText, showError as renderError } from './report.js';

const $ = (id) => document.getElementById(id);
const text = {
  zh: { title: '毕业图像采集', loading: '正在加载…', ready: '请选择一张照片', pick: '选择照片', preset: '规格',
        source: '原图', output: '标准照', before: '原图', after: '标准照（测量线）', download: '下载 JPEG', exposure: '曝光调整', whitebalance: '白平衡增益', nostd: '无法生成标准照', crownl: '头顶', eyel: '眼线', facel: '脸宽', working: '处理中…', done: '完成',
        size: '尺寸', format: '格式', orientation: 'EXIF 方向', camera: '相机', lens: '镜头', software: '软件',
        focal: '焦距', taken: '拍摄时间', quality: '质量', bytes: '大小', dpi: '分辨率', lang: 'English',
        face: '面部分析', live: '实时取景', start: '打开相机', models: '正在下载模型', faces: '人脸数', eyes: '双眼间距',
        checklist: '合规检查', pass: '通过', fail: '不通过', warn: '需注意', not_evaluated: '未判断', measured: '测量值', allowed: '允许范围',
        eyeline: '眼线倾角', facewidth: '脸宽', pose: '姿态（偏航/俯仰/翻滚）', mouth: '张嘴比例', crown: '头顶位置', noface: '未检测到人脸' },
  en: { title: 'Graduation photo', loading: 'Loading…', ready: 'Pick a photo', pick: 'Pick a photo', preset: 'Spec',
        source: 'Original', output: 'Standardised photo', before: 'Original', after: 'Standardised (measured lines)', download: 'Download JPEG', exposure: 'Exposure change', whitebalance: 'White-balance gains', nostd: 'Cannot standardise', crownl: 'crown', eyel: 'eyes', facel: 'face', working: 'Working…', done: 'Done',
        size: 'Size', format: 'Format', orientation: 'EXIF orientation', camera: 'Camera', lens: 'Lens', software: 'Software',
        focal: 'Focal length', taken: 'Taken', quality: 'Quality', bytes: 'File size', dpi: 'Density', lang: '中文',
        face: 'Face analysis', live: 'Live view', start: 'Start camera', models: 'Downloading models', faces: 'Faces', eyes: 'Eye distance',
        checklist: 'Compliance check', pass: 'Pass', fail: 'Fail', warn: 'Check', not_evaluated: 'Not judged', measured: 'measured', allowed: 'allowed',
        eyeline: 'Eye-line tilt', facewidth: 'Face width', pose: 'Pose (yaw/pitch/roll)', mouth: 'Mouth opening', crown: 'Crown', noface: 'No face found' },
};
let lang = 'zh';
let lastError = null;
let lastReport = null;
let lastStd = null;

// The checklist: what Rust judged, in the chosen language (the shared renderer in report.js),
// with each failing rule's region outlined on the analysis overlay.
function renderReport() {
  if (!lastReport) return;
  $('verdict').textContent = verdictText(lastReport, lang);
  renderChecklist($('rules'), lastReport, lang);
  outlineFailures($('overlay'), lastReport, 1, lang);
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
  if (lastStd) renderStandardized();
}

function showError(e) {
  lastError = e;
  renderError($('error'), e, lang);
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
  $('error').hidden = true; lastError = null; lastReport = null; lastStd = null; $('report').hidden = true;
  $('result').hidden = true;
  $('status').textContent = t('working');
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const meta = info(bytes); // validates the file and reads EXIF; throws a typed error
    const img = await pixelsOf(file);
    const dl = $('info'); dl.replaceChildren();
    row(dl, 'size', `${meta.width}×${meta.height}`);
    row(dl, 'format', meta.format);
    row(dl, 'orientation', meta.orientation);
    row(dl, 'camera', [meta.exif.make, meta.exif.model].filter(Boolean).join(' ') || null);
    row(dl, 'lens', meta.exif.lens_model);
    row(dl, 'software', meta.exif.software);
    row(dl, 'focal', meta.exif.focal_length_mm ? `${meta.exif.focal_length_mm.toFixed(1)} mm` : null);
    row(dl, 'taken', meta.exif.date_time_original);
    await showAnalysis(img);
    const a = await analyzer();
    // One analysis in Rust gives both the compliance report and the standardised photo.
    const both = a.checkAndStandardize(bytes, $('preset').value);
    lastReport = both.report;
    lastStd = both;
    showBefore(img);
    renderStandardized();
    renderReport();
    $('result').hidden = false;
    $('status').textContent = t('done');
  } catch (e) {
    showError(e);
    $('status').textContent = t('ready');
  }
}

function showBefore(img) {
  const c = $('before');
  const k = Math.min(1, 480 / img.width);
  c.width = Math.round(img.width * k); c.height = Math.round(img.height * k);
  const tmp = document.createElement('canvas');
  tmp.width = img.width; tmp.height = img.height;
  tmp.getContext('2d').putImageData(img, 0, 0);
  c.getContext('2d').drawImage(tmp, 0, 0, c.width, c.height);
}

// The standardised photo with the lines Rust measured on it (crown, eye line, face width) over
// the ranges the preset allows. Numbers and ranges both come from the report.
function renderStandardized() {
  const s = lastStd?.standardized;
  $('stderror').hidden = !lastStd?.standardizeError;
  if (lastStd?.standardizeError) {
    const e = lastStd.standardizeError;
    $('stderror').textContent = `${t('nostd')}：${lang === 'zh' ? e.message_zh : e.message_en} (${e.code})`;
  }
  $('download').hidden = !s; $('after').hidden = !s;
  if (!s) { $('outinfo').textContent = ''; $('corrections').replaceChildren(); return; }
  const c = $('after');
  c.width = s.width; c.height = s.height;
  const ctx = c.getContext('2d');
  ctx.putImageData(new ImageData(s.rgba, s.width, s.height), 0, 0);
  const rule = (id) => s.report.rules.find((r) => r.id === id);
  const band = (id, colour) => {
    const a = rule(id)?.allowed; if (!a) return;
    ctx.fillStyle = colour; ctx.fillRect(0, a.min, s.width, a.max - a.min);
  };
  band('geometry.crown', '#ffb30022'); band('geometry.eye_line', '#43a04722');
  const m = s.report.measured;
  ctx.lineWidth = 2; ctx.font = '16px sans-serif';
  if (m) {
    const line = (y, colour, label) => {
      ctx.strokeStyle = colour; ctx.fillStyle = colour;
      ctx.beginPath(); ctx.moveTo(0, y); ctx.lineTo(s.width, y); ctx.stroke();
      ctx.fillText(`${label} ${y.toFixed(0)} px`, 6, y - 4);
    };
    if (m.crown_px != null) line(m.crown_px, '#ff8f00', t('crownl'));
    line(m.eye_line_px, '#2e7d32', t('eyel'));
    const cx = s.width / 2 + m.centre_offset_px;
    ctx.strokeStyle = '#6a1b9a'; ctx.fillStyle = '#6a1b9a';
    for (const x of [cx - m.face_width_px / 2, cx + m.face_width_px / 2]) {
      ctx.beginPath(); ctx.moveTo(x, m.eye_line_px + 20); ctx.lineTo(x, m.eye_line_px + 120); ctx.stroke();
    }
    ctx.fillText(`${t('facel')} ${m.face_width_px.toFixed(0)} px`, cx - 50, m.eye_line_px + 140);
  }
  const f = s.report.file;
  const url = URL.createObjectURL(new Blob([s.jpeg], { type: 'image/jpeg' }));
  $('output').src = url; $('download').href = url;
  $('outinfo').textContent = `${f.width}×${f.height} · ${f.dpi} dpi · ${t('quality')} ${f.quality} · ${(f.size_bytes / 1024).toFixed(1)} KB · ${(lang === 'zh' ? s.report.summary_zh : s.report.summary_en) ?? t(s.report.verdict)}`;
  $('outinfo').dataset.result = JSON.stringify({ ...f, verdict: s.report.verdict, measured: m, background: s.report.background });
  const corr = s.report.corrections; const ul = $('corrections'); ul.replaceChildren();
  const ev = `${corr.exposure_ev >= 0 ? '+' : '−'}${Math.abs(corr.exposure_ev).toFixed(1)} EV`;
  const wb = corr.white_balance.map((g) => `×${g.toFixed(2)}`).join(' / ');
  for (const [k, v] of [['exposure', ev], ['whitebalance', wb]]) {
    const li = document.createElement('li'); li.textContent = `${t(k)}: ${v}`; ul.append(li);
  }
}

function analyzer() {
  return loadAnalyzer({
    modelsUrl: new URL('../pkg/models/', import.meta.url),
    onProgress: (loaded, total) => { $('status').textContent = `${t('models')} ${Math.round(100 * loaded / (total || 1))}%`; },
  });
}

// Draw what Rust measured; the numbers and the drawing both come from the WASM module.
async function showAnalysis(img) {
  const a = await analyzer();
  const { analysis, overlay } = a.overlayRgba(img.data, img.width, img.height);
  const canvas = $('overlay');
  canvas.width = img.width; canvas.height = img.height;
  canvas.getContext('2d').putImageData(overlay, 0, 0);
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
        live.getContext('2d').putImageData(overlay, 0, 0);
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
    await initBest();
  } catch (e) {
    // Engines without WebAssembly get the scalar build; one that cannot run even that: say so.
    showError(lang === 'zh' ? '此浏览器无法运行 WebAssembly，请更新微信或浏览器。' : 'This browser cannot run WebAssembly; please update WeChat or the browser.');
    return;
  }
  for (const p of presets()) {
    const o = document.createElement('option');
    o.value = p.id; o.textContent = `${p.name_zh} ${p.output.width}×${p.output.height}`;
    $('preset').append(o);
  }
  $('file').disabled = false;
  $('camera').addEventListener('click', startCamera);
  $('file').addEventListener('change', (ev) => {
    const file = ev.target.files[0];
    // Cleared, so that picking the same file again checks it again.
    ev.target.value = '';
    if (file) onFile(file);
  });
  $('status').textContent = t('ready');
  document.body.dataset.ready = version();
}

main();
