// The collection flow page (index.html). It renders the state and calls the APIs; Rust's `Flow`
// decides what is allowed: every button follows one `flow.allowed()` flag, and every step is an
// event applied to the flow (refused events throw a typed error, shown as it is). Progress is saved
// with `flow.save()` after each applied event and resumed on load.
import init, { Flow, version, info, validateLast4, normaliseSchoolName, stageLabels, loadPreset, maskCode } from '../pkg/gradphoto.js';
import { loadAnalyzer } from '../pkg/loader.js';
import { createApi, sha256Hex } from './api.js';
import { initBridge, isMiniProgram, takeSessionFromUrl, takePaymentReturn, payInHost, hostCanScan, scanInHost } from './bridge.js';
import { openCamera, grabFrame, startGuide } from './camera.js';
import { decodeQrFile, scanWithCamera } from './qr.js';
import { renderChecklist, outlineFailures, verdictText, showError } from './report.js';
import { loadFlow, saveFlow, forgetFlow, keepJpeg, loadJpeg, clearJpegs } from './store.js';
import { renderInstructions, instructionsRead, markInstructionsRead } from './instructions.js';
import { createVerifyLock } from './verify-lock.js';
import { createNav } from './nav.js';

const PRESET = 'chsi-graduation';
const POLL_MS = 2000;
const $ = (id) => document.getElementById(id);

const text = {
  zh: {
    title: '毕业图像采集', lang: 'English', loading: '正在加载…', nav_flow: '采集流程', nav_check: '单张检测', nav_review: '审核',
    current: '当前状态', h_login: '登录', login_note: '在小程序中会自动登录；在浏览器中使用沙箱登录。', login: '沙箱登录',
    h_school: '学校与学历类别', school: '学校名称（请填写全称）', category: '学历类别', school_ok: '确定',
    not_eligible: '没有找到与该学校名称和学历类别对应的学籍，请核对学校全称和类别。', did_you_mean: '您是否要找：',
    h_code: '图像采集码', code_note: '扫描学校提供的图像采集码，或从相册选择保存的截图。', scan: '扫码', scan_stop: '停止扫码', code_file: '从相册选择截图',
    code_ok: '已识别采集码',
    h_verify: '身份核验', last4: '证件号码后四位（港澳证件不含括号）', verify: '核验', verify_failed: '核验未通过',
    verify_wait: '暂停核验中，{time} 后可再试。', verify_policy: '连续 5 次不符后需等待 1 分钟，此后每次不符等待时间加倍（最长 24 小时）；核验成功后清零。',
    h_record: '学籍信息', name: '姓名', rschool: '学校', rcategory: '学历类别', level: '层次',
    h_pay: '支付', pay_note: '一次支付可多次拍摄；审核未通过可免费重拍。', pay: '拍照/上传', cashier: '沙箱收银台', order: '订单',
    pay_confirm: '确认支付', pay_cancel: '取消支付', pay_host: '请在小程序支付页面完成支付…', paid: '已支付',
    pay_again: '重新支付', pay_abort: '取消',
    elsewhere: '此订单已提交审核（状态：{status}），请在提交照片的设备上查看。',
    reopen: '登录已失效，请返回小程序重新打开此页面。',
    h_photo: '拍照或选择照片', camera_open: '打开相机', camera_close: '关闭相机', camera_switch: '切换前后摄像头', photo_file: '从相册选择', capture: '拍照', capture_ready: '拍照（位置合适）',
    prechecks_left: '免费自动预检剩余', times: '次', unlimited: '不限次数', models: '正在下载模型', analysing: '正在检查并生成标准照…',
    analysed: '检查用时', precheck_skipped: '免费预检次数已用完：照片仍会标准化，由人工审核判断。',
    h_instructions: '拍照要求', instructions_note: '拍照前请看一下：每条左边是正确的样子，右边是常见的错误。', instructions_ok: '我已了解，开始拍照', instructions_open: '查看拍照要求',
    h_result: '检查结果与标准照', shot: '原图（问题区域已标出）', std: '标准照', checklist: '自动预检', nostd: '无法生成标准照',
    restored: '已恢复上次的标准照（检查报告需重新拍摄才会显示）。', std_missing: '本机已没有这张标准照，请重新拍摄或选择照片。', download: '下载', from_server: '（服务器上的照片）', std_submitted: '已提交的标准照',
    quality: '质量', pass: '通过', fail: '不通过', warn: '需注意',
    h_submit: '确认提交', submit_note: '确认标准照无误后提交，提交后进入人工审核。', submit: '确认提交',
    uploading: '正在上传', uploaded: '已上传', retrying: '网络不稳定，正在重试', upload_resume: '继续上次未完成的上传…',
    upload_offline: '已离线：网络恢复后会自动继续上传，也可以取消。', upload_online: '网络已恢复，继续上传', upload_cancel: '取消上传',
    h_review: '审核', withdraw: '撤回',
    review_under_review: '待审核：人工审核约需两个工作日；审核前可以撤回。',
    review_rejected: '审核未通过：', review_reshoot: '请按原因重新拍摄并提交，无需再次支付。',
    review_approved: '审核通过：照片已锁定，不能再修改。', review_published: '已上网：照片已制作完成并上网。',
    resumed: '已恢复上次的进度。', no_reason: '（未说明原因）',
  },
  en: {
    title: 'Graduation photo', lang: '中文', loading: 'Loading…', nav_flow: 'Collection', nav_check: 'Checker', nav_review: 'Review',
    current: 'Status', h_login: 'Sign in', login_note: 'Inside the mini-program you are signed in automatically; in a browser use the sandbox login.', login: 'Sandbox login',
    h_school: 'School and category', school: 'School name (full name)', category: 'Education category', school_ok: 'OK',
    not_eligible: 'No student record matches this school name and category: check the full name and the category.', did_you_mean: 'Did you mean:',
    h_code: 'Collection code', code_note: 'Scan the collection QR code from your school, or pick its saved screenshot from the album.', scan: 'Scan', scan_stop: 'Stop scanning', code_file: 'Pick screenshot',
    code_ok: 'Code recognised',
    h_verify: 'Verify', last4: 'Last 4 characters of the ID number (HK/Macau: without brackets)', verify: 'Verify', verify_failed: 'Not verified',
    verify_wait: 'Verification paused: try again in {time}.', verify_policy: 'After 5 mismatches in a row, wait 1 minute; each further mismatch doubles the wait (at most 24 hours). A success resets it.',
    h_record: 'Student record', name: 'Name', rschool: 'School', rcategory: 'Category', level: 'Level',
    h_pay: 'Payment', pay_note: 'One payment covers any number of shots; a rejected photo is reshot for free.', pay: 'Take/upload photo', cashier: 'Sandbox cashier', order: 'order',
    pay_confirm: 'Pay', pay_cancel: 'Cancel', pay_host: 'Finish the payment on the mini-program’s payment page…', paid: 'Paid',
    pay_again: 'Pay again', pay_abort: 'Cancel',
    elsewhere: 'This order was already submitted (status: {status}): continue on the device that submitted it.',
    reopen: 'The session has expired: go back to the mini-program and open this page again.',
    h_photo: 'Take or pick a photo', camera_open: 'Open camera', camera_close: 'Close camera', camera_switch: 'Switch camera', photo_file: 'Pick from album', capture: 'Take photo', capture_ready: 'Take photo (well placed)',
    prechecks_left: 'Free automatic pre-checks left:', times: '', unlimited: 'unlimited', models: 'Downloading models', analysing: 'Checking and standardising…',
    analysed: 'Checked in', precheck_skipped: 'No free pre-checks left: the photo is still standardised; the reviewer decides.',
    h_instructions: 'How to take the photo', instructions_note: 'Before you start: on each line, left is right and right is a common mistake.', instructions_ok: 'Got it, take the photo', instructions_open: 'How to take the photo',
    h_result: 'Check and standardised photo', shot: 'Original (problems outlined)', std: 'Standardised photo', checklist: 'Automatic pre-check', nostd: 'Cannot standardise',
    restored: 'Restored the last standardised photo (take a new one to see a check report).', std_missing: 'This standardised photo is no longer on this device: take or pick a photo again.', download: 'Download', from_server: ' (the server\'s copy)', std_submitted: 'The standard photo you submitted',
    quality: 'quality', pass: 'Pass', fail: 'Fail', warn: 'Check',
    h_submit: 'Confirm and submit', submit_note: 'Submit once the standardised photo looks right; it then goes to manual review.', submit: 'Submit',
    uploading: 'Uploading', uploaded: 'Uploaded', retrying: 'Network unstable, retrying', upload_resume: 'Resuming the unfinished upload…',
    upload_offline: 'Offline: the upload continues by itself once the connection is back, or cancel it.', upload_online: 'Back online, uploading', upload_cancel: 'Cancel upload',
    h_review: 'Review', withdraw: 'Withdraw',
    review_under_review: 'Under review: manual review takes about two working days; you may withdraw until then.',
    review_rejected: 'Rejected: ', review_reshoot: 'Take a new photo following the reason and submit it; no second payment.',
    review_approved: 'Approved: the photo is locked and cannot change.', review_published: 'Published: the photo is made and on line.',
    resumed: 'Resumed where you left off.', no_reason: '(no reason given)',
  },
};
// The stage names in flow order, from Rust (filled once the module is initialised).
const stageLabel = { zh: {}, en: {} };
const STAGES = [];
const MILESTONES = ['signed_in', 'school_entered', 'code_recognised', 'eligibility_shown', 'paid', 'standardised', 'under_review', 'approved', 'published'];

let lang = (() => { try { return localStorage.getItem('gradphoto.lang') === 'en' ? 'en' : 'zh'; } catch { return 'zh'; } })();
const t = (k) => text[lang][k] ?? k;

let flow = null;
let busy = false;
const messages = {}; // element id → the typed error or message shown there
const view = {
  eligible: null, amount: null, result: null, shot: null, jpeg: null, stdUrl: null, restored: false,
  progress: null, uploadNote: '', camera: null, guide: null, lastGuide: null, scanAbort: null, analysisMs: null,
  elsewhere: null, // the order's later server status when another device submitted it (read-only here)
  fromServer: false, // the shown standardised photo is the server's copy
  instructions: [], // the preset's photo instructions (Rust data)
  instructionsOpen: !instructionsRead(), // shown before the first capture, then on request
};

const verifyLock = createVerifyLock({ el: $('verify-wait'), text: (k) => t(k), onChange: () => render() });

let renewing = null; // one renewal at a time, shared by the calls that asked for it
const api = createApi({ token: () => flow?.state().session, renew: () => (renewing ??= renewSession().finally(() => { renewing = null; })) });

// Whether the session came from the host (mini-program `?session=`): then only the host can renew it.
const HOST_SESSION_KEY = 'gradphoto.host-session';
function sessionFromHost() {
  if (isMiniProgram()) return true;
  try { return sessionStorage.getItem(HOST_SESSION_KEY) === '1'; } catch { return false; }
}

/**
 * The server answered `auth.required` (expired or unknown session): sign in again with the same
 * sandbox login (its orders stay reachable) and record the new session, or, with a host session,
 * ask the user to reopen the page from the mini-program. Resolves true when the call may be retried.
 */
async function renewSession() {
  if (sessionFromHost()) throw { code: 'auth.reopen', message_zh: text.zh.reopen, message_en: text.en.reopen };
  if (!flow?.allowed().events.includes('session_renewed')) return false;
  const { session } = await api.signIn();
  apply({ type: 'session_renewed', session });
  return true;
}

Object.defineProperty(window, '__flow', { get: () => flow }); // for tests and debugging

// ---------------------------------------------------------------------------------------------
// Applying events

/** Apply one event to the flow, save the progress, re-render. Throws the flow's typed error. */
function apply(event) {
  const state = flow.apply(event);
  saveFlow(flow.save());
  if (state.stage === 'published') forgetAfterPublished();
  render();
  nav.reached(currentView());
  return state;
}

// ---------------------------------------------------------------------------------------------
// Back and Forward: one history entry per step reached (nav.js)

/** The card of the step the flow is at. */
function currentView() {
  const stage = flow.state().stage;
  const view = {
    signed_out: 'login', signed_in: 'school', school_entered: 'code', code_recognised: 'verify', verifying: 'verify',
    eligibility_shown: 'pay', payment_pending: 'pay', paid: 'photo', captured: 'photo', checked: 'photo', rejected: 'photo',
    standardised: 'result', submitted: 'result', under_review: 'review', approved: 'review', published: 'review',
  }[stage];
  return view === 'photo' && view.instructionsOpen ? 'instructions' : view;
}

/** Back or Forward landed on `target`: show that step's card (or the nearest one shown). */
function showView(target) {
  if (target === 'instructions' || target === 'photo') view.instructionsOpen = target === 'instructions';
  render();
  const order = ['login', 'school', 'code', 'verify', 'record', 'pay', 'instructions', 'photo', 'result', 'submit', 'review'];
  const visible = (v) => !$(`step-${v}`).hidden;
  let v = target;
  for (let i = order.indexOf(target); i >= 0 && !visible(v); i -= 1) v = order[i];
  if (!visible(v)) v = order.find(visible) ?? target;
  document.body.dataset.view = target;
  const card = $(`step-${v}`);
  card.scrollIntoView({ block: 'start' });
  card.querySelector('input:not([disabled]), button:not([disabled]):not([hidden])')?.focus({ preventScroll: true });
}
const nav = createNav({ show: showView });

/** Apply an event derived from a server answer only if Rust accepts its kind now. */
function applyIfAllowed(event) {
  if (!flow.allowed().events.includes(event.type)) return false;
  apply(event);
  return true;
}

/**
 * Published: nothing is left to do. Keep only the saved flow (Rust's saved state must keep its
 * session for the page to show 已上网 after a reload); drop the kept JPEGs and the host flag.
 */
function forgetAfterPublished() {
  clearJpegs();
  view.jpeg = null;
  try { sessionStorage.removeItem(HOST_SESSION_KEY); } catch { /* nothing kept */ }
}

function say(id, value) {
  messages[id] = value;
  renderMessages();
}

function clearMessages() {
  for (const k of Object.keys(messages)) delete messages[k];
  $('status').hidden = true; // "resumed" was news on load only
  renderMessages();
}

/**
 * A user action: one at a time, errors shown in the step's message line (or the page's). A poll in
 * flight is waited for first (and none starts while `busy`), so the two never interleave.
 */
function action(fn, msgId = 'error') {
  return async (ev) => {
    if (busy) return;
    clearMessages();
    busy = true; render();
    try {
      await pollInFlight;
      await fn(ev);
    } catch (e) {
      console.debug('action failed', e);
      say(msgId, e);
    } finally {
      busy = false; render();
    }
  };
}

const nextPaint = () => new Promise((ok) => requestAnimationFrame(() => setTimeout(ok, 0)));

// ---------------------------------------------------------------------------------------------
// The steps

async function signIn() {
  const { session } = await api.signIn();
  apply({ type: 'signed_in', session });
}

async function enterSchool(nameInput) {
  const name = nameInput ?? $('school').value;
  const category = $('category').value;
  const answer = await api.eligibility(normaliseSchoolName(name), normaliseSchoolName(category));
  apply({ type: 'school_entered', name, category, suggestions: answer.suggestions ?? [] });
  view.eligible = answer.eligible;
  $('school').value = flow.state().school.name;
}

async function recognised(code) {
  apply({ type: 'code_recognised', code });
}

async function codeFromFile(ev) {
  const file = ev.target.files[0];
  ev.target.value = '';
  if (!file) return;
  await recognised(await decodeQrFile(file));
}

/** One scan (run as an action: not at the same time as the album input). */
async function scan() {
  const abort = new AbortController();
  view.scanAbort = abort;
  render();
  try {
    let code = null;
    if (hostCanScan()) {
      try {
        code = await scanInHost();
      } catch (e) {
        if (e?.code !== 'qr.host_unavailable') throw e; // the host's scanner refused: the camera's
      }
    }
    if (code == null && !abort.signal.aborted) {
      $('qr-finder').hidden = false;
      code = await scanWithCamera($('qr-video'), { signal: abort.signal });
    }
    if (code != null) await recognised(code);
  } catch (e) {
    if (e?.code !== 'qr.cancelled') throw e;
  } finally {
    view.scanAbort = null;
    $('qr-finder').hidden = true;
  }
}

/** The scan button: stops a running scan, or starts one. */
const startScan = action(scan, 'code-err');
function scanClicked() {
  if (view.scanAbort) { view.scanAbort.abort(); return; }
  startScan();
}

async function verify() {
  const input = $('last4').value;
  const last4 = validateLast4(input); // the local check (flow.invalid_last4) before anything is sent
  const { school, code } = flow.state();
  apply({ type: 'last4_entered', last4: input });
  $('last4').value = '';
  let record;
  try {
    ({ record } = await api.verify(school.name, school.category, code, last4));
  } catch (e) {
    apply({ type: 'verification_failed' });
    verifyLock.fromError(e); // the server's lock, if this failure earned one
    throw e;
  }
  apply({ type: 'record_shown', record: JSON.stringify(record) });
}

async function startPayment() {
  const record = JSON.parse(flow.state().record);
  const o = await api.createOrder(record.ref);
  view.amount = o.amount_fen;
  apply({ type: 'payment_started', order: o.order });
  if (o.status && o.status !== 'pending') {
    // The record's order exists and is paid already (one payment covers every shot); it may even
    // be further on, from another device.
    syncOrder(o);
    return;
  }
  if (isMiniProgram()) await payAgainInHost();
}

/**
 * Hand the payment to the host's pay page. If that fails (no JSSDK, navigateTo refused) the flow
 * stays at payment_pending, where 重新支付 and 取消 (payment_failed) are offered.
 */
async function payAgainInHost() {
  say('pay-msg', t('pay_host'));
  await payInHost(flow.state().order);
}

/** 取消 in host mode: give up this payment attempt (back to the record). */
function abortHostPayment() {
  apply({ type: 'payment_failed' });
}

async function confirmPayment(result) {
  const { order } = flow.state();
  try {
    await api.pay(order, result);
  } catch (e) {
    if (e.code === 'pay.cancelled') {
      apply({ type: 'payment_failed' });
      say('pay-msg', e);
      return;
    }
    throw e;
  }
  apply({ type: 'payment_confirmed' });
  preloadAnalyzer();
}

// --- photo

let analyzerPromise = null;
function analyzer() {
  analyzerPromise ??= loadAnalyzer({
    baseUrl: new URL('../pkg/models/', import.meta.url),
    onProgress: (loaded, total) => { $('photo-status').textContent = `${t('models')} ${Math.round((100 * loaded) / (total || 1))}%`; },
  }).then((a) => { $('photo-status').textContent = ''; return a; }, (e) => { analyzerPromise = null; throw e; });
  return analyzerPromise;
}

function preloadAnalyzer() {
  analyzer().catch((e) => say('photo-msg', e));
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
  const a = await analyzer();
  $('viewfinder').hidden = false;
  try {
    view.camera = await openCamera($('video'), { facingMode: view.facingWanted ?? 'environment' });
    document.body.dataset.facing = view.camera.facing;
  } catch (e) {
    $('viewfinder').hidden = true;
    throw e;
  }
  view.guide = startGuide({
    video: $('video'),
    canvas: $('guide'),
    guide: (rgba, width, height) => a.guide(rgba, width, height, PRESET, view.camera?.facing),
    onGuide: (g, ms) => { view.lastGuide = g; view.guideMs = Math.round(ms); renderGuideHint(); },
    onError: (e) => { say('photo-msg', e); view.guide?.stop(); }, // the capture button still works
    lang: () => lang,
  });
}

async function capture() {
  if (!view.camera) return;
  const frame = grabFrame($('video')); // full resolution
  frame.facing = view.camera.facing;
  stopCamera();
  await processPhoto({ frame });
}

async function photoFromFile(ev) {
  const file = ev.target.files[0];
  ev.target.value = '';
  if (!file) return;
  stopCamera();
  const bytes = new Uint8Array(await file.arrayBuffer());
  info(bytes); // Rust reads the container first: a file that is no photo is a typed error here
  let bitmap = null;
  try { bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' }); } catch { /* Rust decodes it anyway */ }
  await processPhoto({ bytes, bitmap });
}

/** One photo through Rust: the pre-check report and the standardised photo from one analysis. */
async function processPhoto({ frame, bytes, bitmap }) {
  // The analysis first: if it (or the model download) fails, the previous standardised photo and
  // the flow's state stay as they were.
  let out;
  let ms;
  try {
    $('photo-status').textContent = t('analysing');
    const a = await analyzer();
    $('photo-status').textContent = t('analysing');
    await nextPaint();
    const t0 = performance.now();
    out = frame
      ? a.checkAndStandardizeRgba(frame.rgba, frame.width, frame.height, PRESET, undefined, frame.facing)
      : a.checkAndStandardize(bytes, PRESET);
    ms = performance.now() - t0;
  } catch (e) {
    $('photo-status').textContent = '';
    bitmap?.close();
    throw e;
  }
  apply({ type: 'photo_captured', photo: `cap-${Date.now()}` });
  clearJpegs();
  view.result = null; view.jpeg = null; view.restored = false; view.fromServer = false; view.progress = null; view.uploadNote = '';
  setStdUrl(null);
  view.analysisMs = Math.round(ms);
  $('photo-status').textContent = `${t('analysed')} ${(view.analysisMs / 1000).toFixed(1)} s`;
  view.result = out;
  view.prechecked = false;
  drawShot(frame, bitmap);
  if (flow.allowed().can_precheck) {
    apply({ type: 'precheck_completed', summary: out.summary });
    view.prechecked = true;
  }
  if (out.standardized) {
    const ref = `std-${Date.now()}`;
    try {
      // Rust refuses a file that failed its own check (flow.standardised_failed): it is shown,
      // with the checks that failed, but never kept or offered for submission.
      apply({ type: 'standardised', photo: ref, check: out.standardized.summary });
      view.jpeg = out.standardized.jpeg;
      keepJpeg(ref, view.jpeg);
    } catch (e) {
      say('photo-msg', e);
    }
    setStdUrl(out.standardized.jpeg);
  }
  render();
  $('step-result').scrollIntoView({ block: 'start' });
}

function drawShot(frame, bitmap) {
  const canvas = $('shot');
  const w = frame?.width ?? bitmap?.width; const h = frame?.height ?? bitmap?.height;
  if (!w) { view.shot = null; return; }
  const k = Math.min(1, 960 / Math.max(w, h));
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
  if (view.result?.report) outlineFailures(canvas, view.result.report, k, lang);
}

function setStdUrl(jpeg) {
  if (view.stdUrl) URL.revokeObjectURL(view.stdUrl);
  view.stdUrl = jpeg ? URL.createObjectURL(new Blob([jpeg], { type: 'image/jpeg' })) : null;
  if (view.stdUrl) $('std').src = view.stdUrl; else $('std').removeAttribute('src');
  if (view.stdUrl) $('std-download').href = view.stdUrl; else $('std-download').removeAttribute('href');
}

// --- submit, review

async function submit() {
  const jpeg = view.jpeg ?? await loadJpeg(flow.state().standardised);
  if (!jpeg) throw { code: 'photo.missing', message_zh: t('std_missing'), message_en: text.en.std_missing };
  apply({ type: 'submitted' });
  await upload(jpeg);
}

async function upload(jpeg) {
  const { order } = flow.state();
  const abort = new AbortController();
  view.uploadAbort = abort;
  view.progress = 0; view.uploadNote = t('uploading'); render();
  try {
    const sha256 = await sha256Hex(jpeg);
    await api.uploadPhoto(order, jpeg, sha256, {
      signal: abort.signal,
      onProgress: (p) => { view.progress = Math.max(p, p === 0 ? 0 : view.progress ?? 0); renderProgress(); },
      onRetry: (n) => { view.uploadNote = `${t('retrying')} (${n}/3)…`; renderProgress(); },
      onOffline: () => { view.uploadNote = t('upload_offline'); view.offline = true; renderProgress(); },
      onOnline: () => { view.uploadNote = t('upload_online'); view.offline = false; renderProgress(); },
    });
    view.uploadAbort = null; // the photo is on the server: from here it is the submit call
    render();
    await api.submit(order, sha256);
  } catch (e) {
    view.uploadNote = ''; view.progress = null; view.offline = false;
    apply({ type: 'upload_failed' });
    throw e;
  } finally {
    view.uploadAbort = null;
  }
  view.progress = 100; view.uploadNote = t('uploaded');
  apply({ type: 'upload_succeeded' });
  // Kept on the device until the order is published: shown and downloadable while reviewed.
}

async function withdraw() {
  const { order } = flow.state();
  await api.withdraw(order);
  apply({ type: 'withdrawn' });
  if (view.jpeg) keepJpeg(flow.state().standardised, view.jpeg); // needed again for the next upload
}

const SUBMITTED_STATUSES = ['under_review', 'rejected', 'approved', 'published'];

/**
 * Bring the flow in line with the server's view of the order. Only events Rust accepts now are
 * applied. An order the server has further on than this flow can follow (submitted from another
 * device while this one is at payment_pending / paid) is shown read-only: `view.elsewhere`.
 */
function syncOrder(o) {
  if (o.amount_fen != null) view.amount = o.amount_fen;
  let stage = flow.state().stage;
  if (stage === 'payment_pending' && o.status !== 'pending') applyIfAllowed({ type: 'payment_confirmed' });
  stage = flow.state().stage;
  view.elsewhere = ['payment_pending', 'paid'].includes(stage) && SUBMITTED_STATUSES.includes(o.status) ? o.status : null;
  if (stage === 'under_review') {
    if (o.status === 'rejected') applyIfAllowed({ type: 'review_rejected', reason: o.rejection_reason || t('no_reason') });
    else if (o.status === 'approved' || o.status === 'published') applyIfAllowed({ type: 'review_approved' });
    else if (o.status === 'paid') applyIfAllowed({ type: 'withdrawn' });
  }
  stage = flow.state().stage;
  if (stage === 'approved' && o.status === 'published') applyIfAllowed({ type: 'published' });
  render();
}

/** The poll's requests in flight (actions wait for them), or null. */
let pollInFlight = null;
function poll() {
  if (busy || pollInFlight || !flow) return;
  const { stage, order } = flow.state();
  const watch = stage === 'under_review' || stage === 'approved' || (stage === 'payment_pending' && isMiniProgram()) || view.elsewhere != null;
  if (!watch) return;
  const msgId = stage === 'payment_pending' ? 'pay-msg' : ['under_review', 'approved'].includes(stage) ? 'review-msg' : 'error';
  pollInFlight = (async () => {
    try {
      const o = await api.order(order);
      if (flow.state().order === order) syncOrder(o);
      if (messages[msgId]?.code === 'net.unreachable') say(msgId, null);
    } catch (e) {
      say(msgId, e);
    } finally {
      pollInFlight = null;
    }
  })();
}

/**
 * The host's payment result (`#payment=…` in the URL), or a reload while paying: the server's
 * order status decides; a cancel with an unpaid order goes back to the record.
 */
async function paymentReturned() {
  const back = takePaymentReturn();
  const { stage, order } = flow.state();
  if (stage !== 'payment_pending') return;
  const o = await api.order(order);
  view.amount = o.amount_fen;
  if (o.status !== 'pending') {
    syncOrder(o);
    if (!view.elsewhere) preloadAnalyzer();
  } else if (back?.result === 'cancel') {
    applyIfAllowed({ type: 'payment_failed' });
  }
}

/** After a reload: finish what was in flight. */
/** Submitted, but this device no longer keeps the photo: show the server's copy. */
async function showServerCopy() {
  const { stage, order } = flow.state();
  if (view.jpeg || !SUBMITTED_STATUSES.slice(0, 3).includes(stage)) return;
  try {
    view.jpeg = await api.orderPhoto(order);
    view.fromServer = true;
    view.restored = true;
    setStdUrl(view.jpeg);
    render();
  } catch (e) {
    if (e?.code === 'auth.reopen') throw e; // otherwise the photo is optional here
  }
}

async function recover() {
  const { stage, order, standardised } = flow.state();
  if (stage === 'verifying') {
    // The answer was lost with the page; the last 4 were not kept, so they are asked again.
    apply({ type: 'verification_failed' });
  }
  await paymentReturned();
  if (stage === 'paid') {
    // Another device may have taken the order further meanwhile (best effort: offline is fine).
    try { syncOrder(await api.order(order)); } catch (e) { if (e?.code === 'auth.reopen') throw e; }
  }
  if (['standardised', 'submitted', ...SUBMITTED_STATUSES].includes(stage)) {
    view.jpeg = await loadJpeg(standardised);
    if (view.jpeg) { view.restored = true; setStdUrl(view.jpeg); }
  }
  if (stage === 'standardised' && !view.jpeg) {
    // Gone (another browser, cleared data): say so at the step; the photo step is the way back.
    say('submit-msg', { code: 'photo.missing', message_zh: t('std_missing'), message_en: text.en.std_missing });
  }
  if (stage === 'submitted') {
    const o = await api.order(order);
    const kept = view.jpeg ? await sha256Hex(view.jpeg) : null;
    // Submitted already (its answer was lost with the page), and perhaps reviewed since: follow the
    // server as polling does. A rejection while the server holds another photo than the kept one
    // is about an earlier photo: this one's upload did not finish.
    const sent = SUBMITTED_STATUSES.includes(o.status) && !(o.status === 'rejected' && kept && o.photo?.sha256 !== kept);
    if (sent) {
      applyIfAllowed({ type: 'upload_succeeded' });
      syncOrder(o);
    } else if (view.jpeg) {
      view.uploadNote = t('upload_resume');
      await upload(view.jpeg);
    } else {
      apply({ type: 'upload_failed' });
      say('submit-msg', { code: 'photo.missing', message_zh: t('std_missing'), message_en: text.en.std_missing });
    }
  }
  await showServerCopy();
  if (flow.allowed().can_capture) preloadAnalyzer(); // the photo step is reached: fetch the models now
}

// ---------------------------------------------------------------------------------------------
// Rendering

function show(id, visible) { $(id).hidden = !visible; }

function renderMessages() {
  for (const id of ['error', 'login-msg', 'school-msg', 'code-err', 'verify-msg', 'pay-msg', 'photo-msg', 'submit-msg', 'review-msg']) {
    const m = messages[id];
    const el = $(id);
    el.hidden = !m;
    if (!m || typeof m === 'string') el.textContent = m || ''; else showError(el, m, lang);
    if (m?.code) el.dataset.code = m.code; else delete el.dataset.code;
  }
  // The eligibility note belongs to the state, not to one action.
  if (!messages['school-msg'] && view.eligible === false && flow?.state().school) {
    $('school-msg').hidden = false;
    $('school-msg').textContent = t('not_eligible');
  }
}

function renderGuideHint() {
  const g = view.lastGuide;
  const el = $('guide-hint');
  el.hidden = !view.camera;
  if (!g) { el.textContent = ''; delete el.dataset.status; return; }
  el.textContent = lang === 'zh' ? g.hint.zh : g.hint.en;
  el.dataset.status = g.status;
  el.dataset.ready = String(Boolean(g.ready));
  el.dataset.code = g.hint.code;
  el.dataset.ms = String(view.guideMs ?? '');
  $('capture').textContent = g.ready ? t('capture_ready') : t('capture');
  $('capture').dataset.ready = String(Boolean(g.ready));
}

function renderProgress() {
  const p = $('upload-progress');
  p.hidden = view.progress == null;
  p.value = view.progress ?? 0;
  $('upload-msg').textContent = view.progress == null ? '' : view.offline ? view.uploadNote : `${view.uploadNote} ${view.progress}%`;
  $('upload-msg').dataset.offline = String(Boolean(view.offline));
  // Cancelling is always possible while the photo is on its way (offline included).
  $('upload-cancel').hidden = !view.uploadAbort;
}

function renderResult() {
  const r = view.result;
  const hasStd = Boolean(view.stdUrl);
  show('step-result', Boolean(r) || hasStd);
  show('std-figure', hasStd);
  const s = r?.standardized;
  if (s) {
    const f = s.report.file;
    $('std-info').textContent = `${f.width}×${f.height} · ${f.dpi} dpi · ${t('quality')} ${f.quality} · ${(f.size_bytes / 1024).toFixed(1)} KB · ${(lang === 'zh' ? s.report.summary_zh : s.report.summary_en) ?? t(s.report.verdict)}`;
    $('std-info').dataset.result = JSON.stringify({ width: s.width, height: s.height, file: f, verdict: s.report.verdict, bytes: s.jpeg?.length ?? null });
  } else if (hasStd && view.restored) {
    const submitted = SUBMITTED_STATUSES.includes(flow.state().stage);
    $('std-info').textContent = `${submitted ? t('std_submitted') : t('restored')}${view.fromServer ? t('from_server') : ''}`;
    delete $('std-info').dataset.result;
  } else {
    $('std-info').textContent = '';
    delete $('std-info').dataset.result;
  }
  const e = r?.standardizeError;
  show('std-error', Boolean(e));
  if (e) { showError($('std-error'), e, lang, `${t('nostd')}：`); $('std-error').dataset.code = e.code; }
  // Once submitted, the page shows what was sent; the checklist was for deciding to send it.
  const sent = ['submitted', 'under_review', 'approved', 'published'].includes(flow.state().stage);
  show('shot-figure', Boolean(r && view.shot && !sent));
  show('report', Boolean(r?.report && view.prechecked && !sent));
  show('no-report', Boolean(r?.report && !view.prechecked && !sent));
  $('no-report').textContent = t('precheck_skipped');
  if (r?.report) {
    $('verdict').textContent = verdictText(r.report, lang);
    $('report').dataset.verdict = r.report.verdict;
    renderChecklist($('rules'), r.report, lang);
  }
}

function renderRecord(st) {
  const dl = $('record');
  dl.replaceChildren();
  if (!st.record) return;
  let rec = {};
  try { rec = JSON.parse(st.record); } catch { /* opaque */ }
  for (const [k, v] of [['name', rec.masked_name], ['rschool', rec.school ?? st.school?.name], ['rcategory', rec.category ?? st.school?.category], ['level', rec.level], ['order', st.order], ['pay', st.paid ? t('paid') : null]]) {
    if (v == null) continue;
    const dt = document.createElement('dt'); dt.textContent = k === 'pay' ? t('h_pay') : t(k);
    const dd = document.createElement('dd'); dd.textContent = v;
    if (k === 'name') dd.id = 'masked-name';
    dl.append(dt, dd);
  }
}

function render() {
  if (!flow) return;
  const st = flow.state();
  const al = flow.allowed();
  const stage = st.stage;
  const at = (...stages) => stages.includes(stage);
  document.body.dataset.stage = stage;
  document.body.dataset.locked = String(al.locked);
  $('stage').textContent = stageLabel[lang][stage] ?? stage;
  $('stage').className = `status-${stage}`;
  const steps = $('steps');
  if (!steps.children.length) for (const m of MILESTONES) { const li = document.createElement('li'); li.dataset.stage = m; steps.append(li); }
  const reached = STAGES.indexOf(stage);
  for (const li of steps.children) li.classList.toggle('done', STAGES.indexOf(li.dataset.stage) <= reached);

  // Which cards: the current step's, plus what the user needs to see (record, result, review).
  show('step-login', at('signed_out'));
  show('step-school', at('signed_in', 'school_entered', 'code_recognised', 'verifying', 'eligibility_shown'));
  show('step-code', at('school_entered', 'code_recognised', 'verifying', 'eligibility_shown'));
  show('step-verify', at('code_recognised', 'verifying'));
  show('step-record', Boolean(st.record));
  show('step-pay', at('eligibility_shown', 'payment_pending'));
  // The photo step; the instructions come first until read, and on request.
  const photoStep = st.paid && !al.locked && !at('submitted', 'under_review') && !view.elsewhere;
  const instructionsShown = photoStep && view.instructionsOpen && view.instructions.length > 0;
  show('step-instructions', instructionsShown);
  show('step-photo', photoStep && !instructionsShown);
  show('instructions-open', view.instructions.length > 0);
  show('step-submit', at('standardised', 'submitted'));
  show('step-review', at('under_review', 'rejected', 'approved', 'published'));

  // Every control follows one flag of allowed(), and nothing runs twice at once.
  const enable = (id, flag) => { $(id).disabled = busy || !flag; };
  enable('login', al.can_sign_in);
  enable('school', al.can_enter_school);
  enable('category', al.can_enter_school);
  enable('school-ok', al.can_enter_school);
  enable('scan', al.can_scan_code);
  enable('code-file', al.can_scan_code);
  enable('last4', al.can_enter_last4);
  enable('verify', al.can_enter_last4 && !verifyLock.locked());
  enable('pay', al.can_pay);
  const cashier = al.events.includes('payment_confirmed') && !isMiniProgram();
  show('cashier', cashier);
  enable('pay-confirm', cashier);
  enable('pay-cancel', cashier);
  // Host mode, payment not come back (navigateTo failed, or the user backed out): retry or give up.
  const hostPay = isMiniProgram() && at('payment_pending');
  show('host-pay', hostPay);
  enable('pay-again', hostPay && al.events.includes('payment_failed'));
  enable('pay-abort', hostPay && al.events.includes('payment_failed'));
  // Submitted from another device: read-only here, no new photo.
  show('elsewhere', Boolean(view.elsewhere));
  $('elsewhere').textContent = view.elsewhere ? t('elsewhere').replace('{status}', stageLabel[lang][view.elsewhere] ?? view.elsewhere) : '';
  if (view.elsewhere) $('elsewhere').dataset.status = view.elsewhere; else delete $('elsewhere').dataset.status;
  enable('camera-open', al.can_capture && !view.elsewhere);
  enable('photo-file', al.can_capture && !view.elsewhere);
  enable('capture', al.can_capture && Boolean(view.camera));
  // Only what allowed() offers and the page can carry out: no submit without the photo.
  show('submit', al.can_submit && Boolean(view.jpeg));
  enable('submit', al.can_submit && Boolean(view.jpeg));
  show('withdraw', al.can_withdraw);
  enable('withdraw', al.can_withdraw);
  if (view.scanAbort) $('scan').disabled = false; // stopping a scan is always possible
  $('scan').textContent = view.scanAbort ? t('scan_stop') : t('scan');
  $('camera-open').textContent = view.camera ? t('camera_close') : t('camera_open');
  show('capture', Boolean(view.camera));
  show('camera-switch', Boolean(view.camera));
  enable('camera-switch', al.can_capture && Boolean(view.camera));
  if (!al.can_capture && view.camera) stopCamera();

  // School: the normalised name, the server's suggestions as buttons.
  if (st.school && !$('school').value) $('school').value = st.school.name;
  if (st.school && document.activeElement !== $('category')) $('category').value = st.school.category;
  const sug = $('suggestions');
  sug.replaceChildren();
  const suggestions = (st.school?.suggestions ?? []).filter((n) => n !== st.school.name);
  if (suggestions.length && al.can_enter_school) {
    const label = document.createElement('span'); label.className = 'muted'; label.textContent = t('did_you_mean');
    sug.append(label);
    for (const name of suggestions) {
      const b = document.createElement('button');
      b.type = 'button'; b.textContent = name; b.dataset.action = ''; b.disabled = busy;
      b.addEventListener('click', action(() => { $('school').value = name; return enterSchool(name); }, 'school-msg'));
      sug.append(b);
    }
  }
  show('code-msg', Boolean(st.code));
  if (st.code) $('code-msg').textContent = `${t('code_ok')}${lang === 'zh' ? '：' : ': '}${maskCode(st.code)}`;
  renderRecord(st);
  $('order-id').textContent = st.order ?? '';
  $('amount').textContent = view.amount == null ? '' : `¥${(view.amount / 100).toFixed(2)}`;
  $('prechecks').textContent = `${t('prechecks_left')} ${al.prechecks_left ?? t('unlimited')} ${al.prechecks_left == null ? '' : t('times')}`;
  $('prechecks').dataset.left = String(al.prechecks_left ?? '');

  renderResult();
  renderProgress();

  const rs = $('review-status');
  rs.className = `status-${stage}`;
  rs.dataset.stage = stage;
  rs.textContent = stage === 'rejected'
    ? `${t('review_rejected')}${st.rejection} ${t('review_reshoot')}`
    : at('under_review', 'approved', 'published') ? t(`review_${stage}`) : '';
  renderGuideHint();
  renderMessages();
}

function applyLanguage() {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  renderInstructions($('instructions'), view.instructions, lang);
  document.querySelectorAll('[data-i18n]').forEach((el) => { el.textContent = t(el.dataset.i18n); });
  $('lang').textContent = t('lang');
  verifyLock.redraw();
  render();
  view.guide?.redraw();
}

// ---------------------------------------------------------------------------------------------
// Start

function resumeOrNew() {
  const saved = loadFlow();
  if (saved) {
    try {
      const resumed = Flow.resume(saved);
      if (resumed.state().stage !== 'signed_out') view.resumed = true;
      return resumed;
    } catch (e) {
      forgetFlow();
      say('error', e);
    }
  }
  return new Flow(PRESET);
}

let schoolTimer = null;
function suggestSchools() {
  clearTimeout(schoolTimer);
  schoolTimer = setTimeout(async () => {
    const q = normaliseSchoolName($('school').value);
    if (!q || !flow.state().session) return;
    try {
      const { schools } = await api.schools(q);
      const list = $('school-list');
      list.replaceChildren(...schools.slice(0, 20).map((s) => { const o = document.createElement('option'); o.value = s.name; o.label = s.category; return o; }));
    } catch { /* suggestions are optional */ }
  }, 300);
}

async function main() {
  $('lang').addEventListener('click', () => {
    lang = lang === 'zh' ? 'en' : 'zh';
    try { localStorage.setItem('gradphoto.lang', lang); } catch { /* memory only */ }
    applyLanguage();
  });
  applyLanguage();
  try {
    await init();
    for (const { stage, zh, en } of stageLabels()) {
      STAGES.push(stage); stageLabel.zh[stage] = zh; stageLabel.en[stage] = en;
    }
    view.instructions = loadPreset(PRESET).instructions ?? [];
    renderInstructions($('instructions'), view.instructions, lang);
  } catch {
    say('error', lang === 'zh' ? '此浏览器不支持 WebAssembly SIMD，请更新微信或浏览器。' : 'This browser lacks WebAssembly SIMD; please update WeChat or the browser.');
    return;
  }
  await initBridge(); // mini-program web-view: the JSSDK and WeChat's bridge, before host mode counts
  flow = resumeOrNew();
  $('status').textContent = view.resumed ? t('resumed') : '';
  $('status').hidden = !view.resumed;

  const handed = takeSessionFromUrl();
  if (handed) { try { sessionStorage.setItem(HOST_SESSION_KEY, '1'); } catch { /* isMiniProgram() still tells */ } }
  try {
    if (handed && flow.allowed().can_sign_in) apply({ type: 'signed_in', session: handed });
    else if (handed && flow.allowed().events.includes('session_renewed')) apply({ type: 'session_renewed', session: handed });
  } catch (e) { say('error', e); }

  $('login').addEventListener('click', action(signIn, 'login-msg'));
  $('school-ok').addEventListener('click', action(() => enterSchool(), 'school-msg'));
  $('school').addEventListener('input', suggestSchools);
  $('school').addEventListener('keydown', (ev) => { if (ev.key === 'Enter') $('school-ok').click(); });
  $('code-file').addEventListener('change', action(codeFromFile, 'code-err'));
  $('scan').addEventListener('click', scanClicked);
  // The host may come back from its pay page by changing only the hash: no reload.
  window.addEventListener('hashchange', () => {
    if (location.hash.includes('payment=')) action(paymentReturned, 'pay-msg')();
  });
  $('verify').addEventListener('click', action(verify, 'verify-msg'));
  $('last4').addEventListener('keydown', (ev) => { if (ev.key === 'Enter') $('verify').click(); });
  $('pay').addEventListener('click', action(startPayment, 'pay-msg'));
  $('pay-confirm').addEventListener('click', action(() => confirmPayment('success'), 'pay-msg'));
  $('pay-cancel').addEventListener('click', action(() => confirmPayment('cancel'), 'pay-msg'));
  $('pay-again').addEventListener('click', action(payAgainInHost, 'pay-msg'));
  $('pay-abort').addEventListener('click', action(abortHostPayment, 'pay-msg'));
  $('instructions-ok').addEventListener('click', () => {
    markInstructionsRead();
    view.instructionsOpen = false;
    render();
    nav.reached(currentView());
    $('step-photo').scrollIntoView({ block: 'start' });
  });
  $('instructions-open').addEventListener('click', () => {
    view.instructionsOpen = true;
    render();
    nav.reached(currentView());
    $('step-instructions').scrollIntoView({ block: 'start' });
  });
  $('camera-open').addEventListener('click', action(toggleCamera, 'photo-msg'));
  $('capture').addEventListener('click', action(capture, 'photo-msg'));
  $('camera-switch').addEventListener('click', action(switchCamera, 'photo-msg'));
  $('photo-file').addEventListener('change', action(photoFromFile, 'photo-msg'));
  $('submit').addEventListener('click', action(submit, 'submit-msg'));
  $('upload-cancel').addEventListener('click', () => view.uploadAbort?.abort()); // not an action: one is running
  $('withdraw').addEventListener('click', action(withdraw, 'review-msg'));

  render();
  busy = true;
  try {
    await recover();
  } catch (e) {
    say('error', e);
  } finally {
    busy = false;
    render();
  }
  setInterval(poll, POLL_MS);
  nav.reached(currentView()); // the first entry: the page as opened (or as it was before a reload)
  document.body.dataset.ready = version();
}

main();
