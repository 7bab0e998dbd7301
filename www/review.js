// The reviewer page (review.html). The token comes from the URL hash `#token=…` (removed from the
// address bar at once) or the prompt, and is kept in memory and in sessionStorage (this tab's
// session only, so a reload keeps working); without a token the server answers 401 and the page
// shows nothing but the prompt. Each submission: the uploaded photo (fetched with the token, shown
// from a blob URL) with the failing regions of the server's automatic report outlined, the masked
// name, school and category, the report's summary and the rules that need a look, then the
// decision (the preset's common rejection reasons as buttons that fill the reason, and the
// decisions the server allows for its status), and the whole checklist folded below.
import { createApi, sha256Hex } from './api.js';
import { renderChecklist, outlineFailures, verdictText, showError } from './report.js';

const $ = (id) => document.getElementById(id);
const text = {
  zh: {
    title: '照片审核', lang: 'English', nav_flow: '采集流程', nav_check: '单张检测', nav_review: '审核',
    token: '审核员令牌', enter: '进入', refresh: '刷新', count: '份提交', none: '暂无提交。',
    order: '订单', name: '姓名', school: '学校', category: '学历类别', status: '状态', submitted: '提交时间', sha: 'SHA-256',
    approve: '通过', reject: '不通过', publish: '上网', reason: '不通过原因（学生可见）', need_reason: '请填写不通过的原因。',
    no_report: '没有自动检查报告。', report: '自动检查', all_rules: '全部检查项', common: '常见原因（点选填入）：',
    s_under_review: '待审核', s_rejected: '审核未通过', s_approved: '审核通过', s_published: '已上网', s_paid: '已撤回', s_pending: '待支付',
    not_shown: '照片尚未显示，请等照片加载后再审核。',
  },
  en: {
    title: 'Photo review', lang: '中文', nav_flow: 'Collection', nav_check: 'Checker', nav_review: 'Review',
    token: 'Reviewer token', enter: 'Enter', refresh: 'Refresh', count: 'submissions', none: 'No submissions.',
    order: 'Order', name: 'Name', school: 'School', category: 'Category', status: 'Status', submitted: 'Submitted', sha: 'SHA-256',
    approve: 'Approve', reject: 'Reject', publish: 'Publish', reason: 'Reason for rejecting (shown to the student)', need_reason: 'Give the reason for rejecting.',
    no_report: 'No automatic report.', report: 'Automatic check', all_rules: 'Every check', common: 'Common reasons (tap to add):',
    s_under_review: 'Under review', s_rejected: 'Rejected', s_approved: 'Approved', s_published: 'Published', s_paid: 'Withdrawn', s_pending: 'Unpaid',
    not_shown: 'The photo is not shown yet: wait for it before deciding.',
  },
};
let lang = (() => { try { return localStorage.getItem('gradphoto.lang') === 'en' ? 'en' : 'zh'; } catch { return 'zh'; } })();
const t = (k) => text[lang][k] ?? k;

let token = null;
let submissions = [];
let commonReasons = []; // the preset's rejection reasons, from the server
let busy = false;
const photos = new Map(); // order → { url, sha256 } (blob URLs of fetched photos)
const reasons = new Map(); // order → typed reason, kept across re-renders
const errors = new Map(); // order → last error of an action on it
const api = createApi({ token: () => token });

const TOKEN_KEY = 'gradphoto.review-token';

/** The token in `#token=…`, taken out of the address bar (and so out of history and bookmarks). */
function tokenFromHash() {
  const params = new URLSearchParams(location.hash.slice(1));
  const found = params.get('token');
  if (found == null) return null;
  params.delete('token');
  const rest = params.toString();
  history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
  return found;
}

function keepToken(value) {
  token = value || null;
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token); else sessionStorage.removeItem(TOKEN_KEY);
  } catch { /* memory only */ }
}

function keptToken() {
  try { return sessionStorage.getItem(TOKEN_KEY); } catch { return null; }
}

function showLogin(error) {
  $('desk').hidden = true;
  $('login').hidden = false;
  $('login-msg').hidden = !error;
  if (error) showError($('login-msg'), error, lang); else $('login-msg').textContent = '';
  if (error?.code) $('login-msg').dataset.code = error.code;
  document.body.dataset.view = 'login';
}

async function load() {
  try {
    const answer = await api.submissions();
    submissions = answer.submissions;
    commonReasons = answer.reasons ?? [];
  } catch (e) {
    if (e.status === 401 || e.status === 403) {
      keepToken(null);
      for (const { url } of photos.values()) URL.revokeObjectURL(url);
      photos.clear();
      submissions = [];
      showLogin(e);
      return;
    }
    throw e;
  }
  const when = (s) => (typeof s.submitted_at === 'number' ? s.submitted_at : Date.parse(s.submitted_at ?? '') / 1000 || 0);
  submissions.sort((a, b) => when(b) - when(a));
  $('login').hidden = true;
  $('desk').hidden = false;
  document.body.dataset.view = 'desk';
  render();
  await Promise.all(submissions.map((s) => showPhoto(s).catch((e) => { errors.set(s.order, e); renderCard(s); })));
}

/** Fetch the submission's photo when the list names another one than the page shows. The hash
 *  kept is of the bytes received, so a decision binds to the photo on screen, even where the
 *  student replaced it between the list and the fetch. */
async function showPhoto(s) {
  const known = photos.get(s.order);
  if (!known || known.listed !== s.sha256) {
    const blob = await api.submissionPhoto(s.order);
    const sha256 = await sha256Hex(new Uint8Array(await blob.arrayBuffer()));
    if (known) URL.revokeObjectURL(known.url);
    photos.set(s.order, { url: URL.createObjectURL(blob), sha256, listed: s.sha256 });
  }
  await drawPhoto(current(s.order) ?? s);
}

/** The latest listed submission of `order` (cards and their listeners outlive a refresh). */
function current(order) {
  return submissions.find((x) => x.order === order);
}

async function drawPhoto(s) {
  const card = document.querySelector(`.submission[data-order="${CSS.escape(s.order)}"]`);
  const p = photos.get(s.order);
  if (!card || !p) return;
  const img = new Image();
  img.src = p.url;
  await img.decode();
  const canvas = card.querySelector('.photo canvas');
  canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
  canvas.getContext('2d').drawImage(img, 0, 0);
  if (s.report?.rules) outlineFailures(canvas, s.report, 1, lang);
  canvas.dataset.loaded = `${img.naturalWidth}x${img.naturalHeight}`;
  canvas.dataset.sha256 = p.sha256;
}

function decide(s, decision) {
  return guarded(s, async () => {
    const reason = reasons.get(s.order)?.trim() ?? '';
    if (decision === 'reject' && !reason) throw { code: 'review.reason_required', message_zh: t('need_reason'), message_en: text.en.need_reason };
    const shown = photos.get(s.order)?.sha256;
    if (!shown) throw { code: 'review.photo_not_shown', message_zh: t('not_shown'), message_en: text.en.not_shown };
    await api.decide(s.order, decision, decision === 'reject' ? reason : '', shown); // bound to the photo shown
    reasons.delete(s.order);
  });
}

function guarded(s, fn) {
  return async () => {
    if (busy) return;
    busy = true;
    errors.delete(s.order);
    renderAll();
    try {
      await fn();
      await load();
    } catch (e) {
      errors.set(s.order, e);
    } finally {
      busy = false;
      renderAll();
    }
  };
}

/** The server's time (Unix seconds, or an ISO string) in the reader's locale. */
function formatTime(v) {
  if (v == null) return null;
  const date = typeof v === 'number' ? new Date(v * 1000) : new Date(v);
  return Number.isNaN(date.getTime()) ? String(v) : date.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { hour12: false });
}

function cardOf(s) {
  const card = document.createElement('article');
  card.className = 'card submission';
  card.dataset.order = s.order;
  card.innerHTML = `
    <h3></h3>
    <div class="top">
      <div class="photo"><canvas></canvas></div>
      <div>
        <dl class="meta"></dl>
        <p class="verdict"></p>
        <ul class="rules rules-compact problems"></ul>
      </div>
    </div>
    <div class="decision">
      <p class="muted common-label"></p>
      <div class="common row"></div>
      <label class="field"><span class="reason-label"></span><textarea class="reason" rows="3" maxlength="500"></textarea></label>
      <div class="row">
        <button type="button" class="approve" data-action></button>
        <button type="button" class="reject danger" data-action></button>
        <button type="button" class="publish" data-action></button>
      </div>
      <p class="error" hidden></p>
    </div>
    <details class="all"><summary class="report-title"></summary><ul class="rules rules-compact"></ul></details>`;
  // The listeners outlive refreshes: each acts on the submission listed now, never on `s`.
  const { order } = s;
  const now = () => current(order) ?? s;
  card.querySelector('.approve').addEventListener('click', () => decide(now(), 'approve')());
  card.querySelector('.reject').addEventListener('click', () => decide(now(), 'reject')());
  card.querySelector('.publish').addEventListener('click', () => guarded(now(), () => api.publish(order))());
  card.querySelector('.reason').addEventListener('input', (ev) => { reasons.set(order, ev.target.value); renderCard(now(), card); });
  return card;
}

/** A common reason's button: adds its sentence to the reason, or takes it out again. */
function toggleReason(s, sentence) {
  const now = reasons.get(s.order) ?? '';
  const next = now.includes(sentence) ? now.replace(sentence, '') : `${now.trim()}${now.trim() ? ' ' : ''}${sentence}`;
  reasons.set(s.order, next.replace(/\s{2,}/g, ' ').trim());
  renderAll();
}

function renderCard(s, card = document.querySelector(`.submission[data-order="${CSS.escape(s.order)}"]`)) {
  if (!card) return;
  card.dataset.status = s.status;
  card.querySelector('h3').textContent = `${s.masked_name ?? ''} · ${t(`s_${s.status}`)}`;
  const dl = card.querySelector('.meta');
  dl.replaceChildren();
  for (const [k, v] of [['order', s.order], ['school', s.school], ['category', s.category], ['status', t(`s_${s.status}`)], ['submitted', formatTime(s.submitted_at)], ['sha', s.sha256 ? `${s.sha256.slice(0, 16)}…` : null]]) {
    if (v == null) continue;
    const dt = document.createElement('dt'); dt.textContent = t(k);
    const dd = document.createElement('dd'); dd.textContent = v; dd.className = k;
    dl.append(dt, dd);
  }
  const rules = card.querySelector('details.all .rules');
  const problems = card.querySelector('.rules.problems');
  if (s.report?.rules) {
    card.querySelector('.verdict').textContent = verdictText(s.report, lang);
    card.dataset.verdict = s.report.verdict;
    renderChecklist(rules, s.report, lang);
    renderChecklist(problems, { ...s.report, rules: s.report.rules.filter((r) => r.status !== 'pass') }, lang);
    card.querySelector('.report-title').textContent = `${t('all_rules')}（${s.report.rules.length}）`;
  } else {
    card.querySelector('.verdict').textContent = t('no_report');
    card.querySelector('.report-title').textContent = t('all_rules');
    rules.replaceChildren();
    problems.replaceChildren();
  }
  card.querySelector('.reason-label').textContent = t('reason');
  const reason = card.querySelector('.reason');
  if (document.activeElement !== reason) reason.value = reasons.get(s.order) ?? '';
  const review = s.status === 'under_review';
  reason.disabled = busy || !review;
  card.querySelector('.decision').hidden = !review && s.status !== 'approved';
  card.querySelector('.common-label').textContent = t('common');
  const common = card.querySelector('.common');
  common.replaceChildren(...commonReasons.map((r) => {
    const b = document.createElement('button');
    const chosen = (reasons.get(s.order) ?? '').includes(r.zh);
    b.type = 'button'; b.className = 'chip'; b.dataset.reason = r.id;
    b.textContent = lang === 'zh' ? r.label_zh : r.label_en;
    b.title = lang === 'zh' ? r.zh : r.en;
    b.setAttribute('aria-pressed', String(chosen));
    b.disabled = busy || !review;
    b.addEventListener('click', () => toggleReason(s, r.zh)); // the graduate reads Chinese (chips are redrawn with each render)
    return b;
  }));
  common.hidden = !review;
  card.querySelector('.common-label').hidden = !review;
  for (const [cls, label, enabled] of [['approve', 'approve', review], ['reject', 'reject', review], ['publish', 'publish', s.status === 'approved']]) {
    const b = card.querySelector(`.${cls}`);
    b.textContent = t(label);
    b.disabled = busy || !enabled;
  }
  const err = errors.get(s.order);
  const p = card.querySelector('p.error');
  p.hidden = !err;
  if (err) showError(p, err, lang); else p.textContent = '';
}

function render() {
  const list = $('submissions');
  const existing = new Map([...list.children].map((c) => [c.dataset.order, c]));
  const cards = submissions.map((s) => {
    const card = existing.get(s.order) ?? cardOf(s); // its listeners look the submission up by order
    renderCard(s, card);
    return card;
  });
  list.replaceChildren(...cards);
  if (!submissions.length) {
    const p = document.createElement('p'); p.className = 'card muted'; p.textContent = t('none'); list.append(p);
  }
  $('count').textContent = `${submissions.length} ${t('count')}`;
  $('refresh').disabled = busy;
  for (const s of submissions) drawPhoto(s).catch(() => {});
}

function renderAll() {
  for (const s of submissions) renderCard(s);
  $('refresh').disabled = busy;
}

function applyLanguage() {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.querySelectorAll('[data-i18n]').forEach((el) => { el.textContent = t(el.dataset.i18n); });
  $('lang').textContent = t('lang');
  if (!$('desk').hidden) render();
}

async function refresh() {
  if (busy) return;
  busy = true;
  $('error').hidden = true;
  renderAll();
  try {
    await load();
  } catch (e) {
    $('error').hidden = false;
    showError($('error'), e, lang);
  } finally {
    busy = false;
    renderAll();
  }
}

function main() {
  $('lang').addEventListener('click', () => {
    lang = lang === 'zh' ? 'en' : 'zh';
    try { localStorage.setItem('gradphoto.lang', lang); } catch { /* memory only */ }
    applyLanguage();
  });
  applyLanguage();
  $('login').addEventListener('submit', (ev) => {
    ev.preventDefault();
    keepToken($('token').value.trim());
    $('token').value = '';
    refresh();
  });
  $('refresh').addEventListener('click', refresh);
  const fromHash = tokenFromHash();
  keepToken(fromHash ?? keptToken());
  if (token) refresh().finally(() => { document.body.dataset.ready = '1'; });
  else { showLogin(null); document.body.dataset.ready = '1'; }
}

main();
