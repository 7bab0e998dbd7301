// The collection flow page (index.html). It renders the state and calls the APIs; Rust's `Flow`
// decides what is allowed: every button follows one `flow.allowed()` flag, and every step is an
// event applied to the flow (refused events throw a typed error, shown as it is). Progress is saved
// with `flow.save()` after each applied event and resumed on load.
// The page's light module: the flow alone (the analyzer's module runs in the worker).
import initFlow, { Flow, version, validateLast4, normaliseSchoolName, stageLabels, loadPreset, maskCode } from '../pkg/gradphoto_flow.js';
import { createApi, sha256Hex } from './api.js';
import { initBridge, isMiniProgram, takeSessionFromUrl, takePaymentReturn, takeScanReturn, payInHost, hostCanScan, scanInHost, scanPageInHost } from './bridge.js';
import { isPaymentReturn, isScanReturn } from './bridge-protocol.js';
import { decodeQrFile, scanWithCamera } from './qr.js';
import { renderChecklist, verdictText, showError } from './report.js';
import { loadFlow, saveFlow, savedAtPhotoStep, forgetFlow, keepJpeg, loadJpeg, loadKept, clearJpegs, loadConfirmed, saveConfirmed } from './store.js';
import { renderInstructions, instructionsRead, markInstructionsRead } from './instructions.js';
import { createVerifyLock } from './verify-lock.js';
import { createNav } from './nav.js';
import { text } from './flow-text.js';
import { createPhotoView } from './photo-view.js';

const PRESET = 'chsi-graduation';
const POLL_MS = 2000;
const $ = (id) => document.getElementById(id);

// The stage names in flow order, from Rust (filled once the module is initialised).
const stageLabel = { zh: {}, en: {} };
const STAGES = [];
const MILESTONES = ['signed_in', 'school_entered', 'code_recognised', 'eligibility_shown', 'paid', 'standardised', 'under_review', 'approved', 'published'];

let lang = (() => { try { return localStorage.getItem('gradphoto.lang') === 'en' ? 'en' : 'zh'; } catch { return 'zh'; } })();
const t = (k) => text[lang][k] ?? k;

let flow = null;
let busy = false;
/** Opening: the saved progress is being checked with the server (`recover`); `busy` meanwhile. */
let starting = false;
let cameraOpening = false;
const messages = {}; // element id → the typed error or message shown there
const view = {
  amount: null, result: null, shot: null, jpeg: null, stdUrl: null, restored: false,
  progress: null, uploadNote: '', camera: null, guide: null, lastGuide: null, scanAbort: null, analysisMs: null,
  elsewhere: null, // the order's later server status when another device submitted it (read-only here)
  fromServer: false, // the shown standardised photo is the server's copy
  editing: null, // a finished step ('school', 'code') the graduate opened again with 修改
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
/**
 * Apply an event, save, and show the new state. `quiet`: do not render yet (several events
 * applied in one go, then `settle()` once: the page's task stays short).
 */
function apply(event, { quiet = false } = {}) {
  const state = flow.apply(event);
  view.editing = null; // a step opened with 修改 folds again once something was entered
  saveFlow(flow.save(), flow.allowed().can_capture);
  if (state.stage === 'published') forgetAfterPublished();
  if (!quiet) settle();
  return state;
}

/** Render the state and record the step reached (Back and Forward). */
function settle() {
  render();
  nav.reached(currentView());
}

// ---------------------------------------------------------------------------------------------
// Back and Forward: one history entry per step reached (nav.js)

/** The card of the step the flow is at. */
function currentView() {
  const stage = flow.state().stage;
  const card = {
    signed_out: 'login', signed_in: 'school', school_entered: 'code', code_recognised: 'verify', verifying: 'verify',
    eligibility_shown: 'pay', payment_pending: 'pay', paid: 'photo', captured: 'photo', checked: 'photo', rejected: 'photo',
    standardised: 'result', submitted: 'result', under_review: 'review', approved: 'review', published: 'review',
  }[stage];
  return card === 'photo' && view.instructionsOpen ? 'instructions' : card;
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
  // The graduate still sees (and may download) the published photo: the server's copy, in memory.
  showServerCopy().catch(() => {});
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

/**
 * A photo from the album: like an action, except that another pick while one is being checked is
 * taken (it supersedes the first, whose result never shows); the page stays busy until the last
 * one is done.
 */
let photoJobs = 0;
async function pickPhoto(ev) {
  if (busy && photoJobs === 0) return;
  if (photoJobs === 0) clearMessages();
  photoJobs += 1;
  busy = true; render();
  try {
    await pollInFlight;
    await photoFromFile(ev);
  } catch (e) {
    if (e?.code !== 'analysis.superseded') say('photo-msg', e);
  } finally {
    photoJobs -= 1;
    if (photoJobs === 0) { busy = false; render(); }
  }
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
  // Rust keeps the server's answer: an unmatched school holds the code step back.
  const eligible = typeof answer.eligible === 'boolean' ? answer.eligible : undefined;
  apply({ type: 'school_entered', name, category, suggestions: answer.suggestions ?? [], eligible });
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
    const unavailable = (e) => ['qr.host_unavailable', 'host.unavailable'].includes(e?.code);
    if (hostCanScan()) {
      try {
        code = await scanInHost();
      } catch (e) {
        if (!unavailable(e)) throw e; // the host's scanner refused: its scan page, or the camera
      }
    }
    if (code == null && isMiniProgram()) {
      // The mini-program's own scanner page (wx.scanCode): the page is left, and the code comes
      // back in the address (`scanReturned`).
      try {
        await scanPageInHost();
        return;
      } catch (e) {
        if (!unavailable(e)) throw e;
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

/** The host's scan page came back (`#scan=…` in the URL): its code, as if scanned here. */
async function scanReturned() {
  const back = takeScanReturn();
  if (back?.result === 'success' && flow.allowed().can_scan_code) await recognised(back.code);
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

// --- photo: the camera, the album and Rust's check and standardisation (photo-view.js)

const photo = createPhotoView({
  $, t, view, preset: PRESET,
  lang: () => lang,
  flow: () => flow,
  apply, settle, say, render, setStdUrl, nextPaint,
});
const { preloadAnalyzer, stopCamera, renderGuideHint, toggleCamera, switchCamera, capture, photoFromFile } = photo;

function setStdUrl(jpeg) {
  if (view.stdUrl) URL.revokeObjectURL(view.stdUrl);
  view.stdUrl = jpeg ? URL.createObjectURL(new Blob([jpeg], { type: 'image/jpeg' })) : null;
  if (view.stdUrl) $('std').src = view.stdUrl; else $('std').removeAttribute('src');
  if (view.stdUrl) $('std-download').href = view.stdUrl; else $('std-download').removeAttribute('href');
}

// --- submit, review

/** Whether the graduate ticked the pre-submit confirmation for the photo standardised now. */
function confirmed() {
  const ref = flow.state().standardised;
  return Boolean(ref) && loadConfirmed() === ref;
}

async function submit() {
  // What no pixel can tell (make-up, 美瞳, who took it) is confirmed once, here, not warned on
  // every photo; the words are the check report's own.
  if (!confirmed()) throw { code: 'submit.unconfirmed', message_zh: t('confirm_needed'), message_en: text.en.confirm_needed };
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
  // Needed again for the next upload, with its check.
  if (view.jpeg) keepJpeg(flow.state().standardised, view.jpeg, view.result);
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

/** Submitted, but this device no longer keeps the photo (another device, cleared data, or
 *  published: the device forgets it then): show the server's copy, held in memory only. */
async function showServerCopy() {
  const { stage, order } = flow.state();
  if (view.jpeg || !SUBMITTED_STATUSES.includes(stage)) return;
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

/** After a reload: finish what was in flight. */
async function recover() {
  const { stage, order, standardised } = flow.state();
  if (stage === 'verifying') {
    // The answer was lost with the page; the last 4 were not kept, so they are asked again.
    apply({ type: 'verification_failed' });
  }
  await paymentReturned();
  try { await scanReturned(); } catch (e) { say('code-err', e); } // a code the host's scan page sent back
  if (stage === 'paid') {
    // Another device may have taken the order further meanwhile (best effort: offline is fine).
    try { syncOrder(await api.order(order)); } catch (e) { if (e?.code === 'auth.reopen') throw e; }
  }
  if (['standardised', 'submitted', ...SUBMITTED_STATUSES].includes(stage)) {
    const kept = await loadKept(standardised);
    view.jpeg = kept?.bytes ?? null;
    if (view.jpeg) { view.restored = true; setStdUrl(view.jpeg); }
    // Before submitting, the checklist that came with the photo is shown again as it was.
    const checked = stage === 'standardised' ? kept?.checked : null;
    if (checked?.report) {
      view.result = { report: checked.report, summary: checked.summary, standardized: null, standardizeError: null };
      view.prechecked = true;
    }
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
  if (!messages['school-msg'] && flow?.state().school?.eligible === false) {
    $('school-msg').hidden = false;
    $('school-msg').textContent = t('not_eligible');
  }
}

function renderProgress() {
  // The upload's line belongs to the submission: gone once the review has answered.
  const shown = view.progress != null && ['submitted', 'under_review'].includes(flow?.state().stage);
  const p = $('upload-progress');
  p.hidden = !shown;
  p.value = view.progress ?? 0;
  $('upload-msg').textContent = !shown ? '' : view.offline ? view.uploadNote : `${view.uploadNote} ${view.progress}%`;
  $('upload-msg').dataset.offline = String(shown && Boolean(view.offline));
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
    $('std-info').textContent = `${submitted ? t('std_submitted') : t(r?.report ? 'restored_checked' : 'restored')}${view.fromServer ? t('from_server') : ''}`;
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
    renderChecklist($('rules'), r.report, lang, { plain: true });
  }
}

function renderRecord(st) {
  const dl = $('record');
  dl.replaceChildren();
  if (!st.record) return;
  const rec = recordOf(st);
  for (const [k, v] of [['name', rec.masked_name], ['rschool', rec.school ?? st.school?.name], ['rcategory', rec.category ?? st.school?.category], ['level', rec.level], ['order', orderShort(st.order)], ['pay', st.paid ? t('paid') : null]]) {
    if (v == null) continue;
    const dt = document.createElement('dt'); dt.textContent = k === 'pay' ? t('h_pay') : t(k);
    const dd = document.createElement('dd'); dd.textContent = v;
    if (k === 'name') dd.id = 'masked-name';
    dl.append(dt, dd);
  }
}

/** The verified record the flow keeps (opaque to Rust: the server's JSON), or `{}`. */
function recordOf(st) {
  try { return st.record ? JSON.parse(st.record) : {}; } catch { return {}; }
}

/** An order by its last characters, as a receipt shows it (the full id is the server's). */
const orderShort = (order) => (order ? `…${order.slice(-6).toUpperCase()}` : null);

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
  let n = 0;
  for (const li of steps.children) {
    const done = STAGES.indexOf(li.dataset.stage) <= reached;
    li.classList.toggle('done', done);
    if (done) n += 1;
    // Each segment names its step, for a tap-and-hold and screen readers.
    const label = text[lang].step_names[MILESTONES.indexOf(li.dataset.stage)] ?? li.dataset.stage;
    li.title = label;
    li.setAttribute('aria-label', label);
  }
  const next = MILESTONES.findIndex((m) => STAGES.indexOf(m) > reached);
  $('steps-caption').textContent = t('steps_caption')
    .replace('{n}', String(n)).replace('{total}', String(MILESTONES.length))
    .replace('{next}', next >= 0 ? text[lang].step_names[next] : t('steps_all_done'));

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
  // Finished steps shown above the current one fold to a line: what was entered, and 修改 (where
  // Rust still allows the change) to open the step again.
  const current = currentView();
  const fold = (step, done, line, canEdit) => {
    const folded = done && view.editing !== step;
    $(`step-${step}`).classList.toggle('done', folded);
    $(`${step}-done`).textContent = folded ? line : '';
    show(`${step}-edit`, folded && canEdit);
  };
  // A school that matched no record stays open: its message and suggestions are the next step.
  fold('school', current !== 'school' && Boolean(st.school) && st.school.eligible !== false, st.school ? `${st.school.name}（${st.school.category}）` : '', al.can_enter_school);
  fold('code', ['verify', 'pay'].includes(current) && Boolean(st.code), st.code ? `${t('code_ok')}${lang === 'zh' ? '：' : ': '}${maskCode(st.code)}` : '', al.can_scan_code);

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
  // Only the camera may open while the page checks its saved progress on opening (see main).
  $('camera-open').disabled = (busy && !starting) || cameraOpening || !(al.can_capture && !view.elsewhere);
  // A photo may be picked again while one is being checked (the newer one wins).
  $('photo-file').disabled = (busy && photoJobs === 0) || !(al.can_capture && !view.elsewhere);
  enable('capture', al.can_capture && Boolean(view.camera));
  // Only what allowed() offers and the page can carry out: no submit without the photo.
  show('submit', al.can_submit && Boolean(view.jpeg));
  enable('submit', al.can_submit && Boolean(view.jpeg));
  const report = view.result?.report;
  $('confirm-text').textContent = report ? (lang === 'zh' ? report.confirm_zh : report.confirm_en) : t('confirm_fallback');
  show('confirm-row', al.can_submit && Boolean(view.jpeg));
  $('confirm').checked = confirmed();
  enable('confirm', al.can_submit && Boolean(view.jpeg));
  show('withdraw', al.can_withdraw);
  enable('withdraw', al.can_withdraw);
  if (view.scanAbort) $('scan').disabled = false; // stopping a scan is always possible
  $('scan').textContent = view.scanAbort ? t('scan_stop') : t('scan');
  $('camera-open').textContent = view.camera ? t('camera_close') : t('camera_open');
  show('capture', Boolean(view.camera));
  show('camera-switch', Boolean(view.camera));
  enable('camera-switch', al.can_capture && Boolean(view.camera));
  if ((!al.can_capture || view.elsewhere) && view.camera) stopCamera();

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
  // The order by its last characters, as a receipt shows it; the full id is the server's.
  $('order-id').textContent = orderShort(st.order) ?? '';
  if (st.order) $('order-id').title = st.order;
  $('amount').textContent = view.amount == null ? '' : `¥${(view.amount / 100).toFixed(2)}`;
  // The fee before the graduate taps to pay: the verified record carries it.
  const fee = recordOf(st).amount_fen;
  $('price').hidden = !(Number.isFinite(fee) && at('eligibility_shown', 'payment_pending'));
  $('price').textContent = Number.isFinite(fee) ? `${t('fee')} ¥${(fee / 100).toFixed(2)}` : '';
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
  // Back at the photo step (as Rust said when the progress was saved): the worker's downloads
  // start now, beside the page's own module, rather than after it.
  if (savedAtPhotoStep()) preloadAnalyzer();
  // The offline copy (sw.js): from the next visit on, the page, its modules and the models open
  // without a network, and photos are checked on the device as before.
  navigator.serviceWorker?.register(new URL('sw.js', import.meta.url)).catch(() => { /* no offline copy */ });
  try {
    await initFlow();
    for (const { stage, zh, en } of stageLabels()) {
      STAGES.push(stage); stageLabel.zh[stage] = zh; stageLabel.en[stage] = en;
    }
    view.instructions = loadPreset(PRESET).instructions ?? [];
    renderInstructions($('instructions'), view.instructions, lang);
  } catch {
    say('error', lang === 'zh' ? '此浏览器无法运行 WebAssembly，请更新微信或浏览器。' : 'This browser cannot run WebAssembly; please update WeChat or the browser.');
    return;
  }
  await initBridge(); // mini-program web-view: the JSSDK and WeChat's bridge, before host mode counts
  flow = resumeOrNew();
  // Back at the photo step: the worker's models download while the page syncs with the server.
  if (flow.allowed().can_capture) preloadAnalyzer();
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
  for (const step of ['school', 'code']) {
    $(`${step}-edit`).addEventListener('click', () => { view.editing = step; render(); $(`step-${step}`).querySelector('input, button:not(.link)')?.focus(); });
  }
  $('school').addEventListener('input', suggestSchools);
  $('school').addEventListener('keydown', (ev) => { if (ev.key === 'Enter') $('school-ok').click(); });
  $('code-file').addEventListener('change', action(codeFromFile, 'code-err'));
  $('scan').addEventListener('click', scanClicked);
  // The host may come back from its pay page by changing only the hash: no reload.
  window.addEventListener('hashchange', () => {
    if (isPaymentReturn(location.hash)) action(paymentReturned, 'pay-msg')();
    if (isScanReturn(location.hash)) action(scanReturned, 'code-err')();
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
  const cameraAction = action(toggleCamera, 'photo-msg');
  $('camera-open').addEventListener('click', (ev) => {
    // While the saved progress is checked with the server on opening, the camera may open
    // already: it changes nothing in the flow (taking the photo waits for the check), and on a
    // slow link the check is a round trip the graduate need not sit through.
    if (starting) {
      if (cameraOpening) return;
      cameraOpening = true;
      clearMessages();
      render();
      toggleCamera().catch((e) => say('photo-msg', e)).finally(() => { cameraOpening = false; render(); });
      return;
    }
    cameraAction(ev);
  });
  $('capture').addEventListener('click', action(capture, 'photo-msg'));
  $('camera-switch').addEventListener('click', action(switchCamera, 'photo-msg'));
  $('photo-file').addEventListener('change', pickPhoto);
  $('submit').addEventListener('click', action(submit, 'submit-msg'));
  $('confirm').addEventListener('change', (e) => { saveConfirmed(e.target.checked ? flow.state().standardised : null); render(); });
  $('upload-cancel').addEventListener('click', () => view.uploadAbort?.abort()); // not an action: one is running
  $('withdraw').addEventListener('click', action(withdraw, 'review-msg'));

  busy = true;
  starting = true;
  render();
  try {
    await recover();
  } catch (e) {
    say('error', e);
  } finally {
    busy = false;
    starting = false;
    render();
  }
  setInterval(poll, POLL_MS);
  nav.reached(currentView()); // the first entry: the page as opened (or as it was before a reload)
  document.body.dataset.ready = version();
}

main();
