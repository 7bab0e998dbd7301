// The compliance report as Rust returns it, rendered: one checklist of rules (status, measured,
// allowed, hint in the chosen language) and the failing rules' regions outlined over the photo.
// Shared by the checker (check.html), the collection flow (index.html) and the reviewer page.
// It judges nothing: statuses, numbers, hints and boxes all come from the report.

const labels = {
  zh: { pass: '通过', fail: '不通过', warn: '需注意', not_evaluated: '未判断', allowed: '允许', details: '详情', passed: '已通过 {n} 项' },
  en: { pass: 'Pass', fail: 'Fail', warn: 'Check', not_evaluated: 'Not judged', allowed: 'allowed', details: 'Details', passed: '{n} passed' },
};
const order = { fail: 0, warn: 1, not_evaluated: 2, pass: 3 };
const icon = { pass: '✓', fail: '✗', warn: '!', not_evaluated: '–' };

/** What the report asks of the user, in a sentence Rust wrote ("2 项需要修改，1 项请自行确认。"). */
export function verdictText(report, lang = 'zh') {
  const summary = lang === 'zh' ? report.summary_zh : report.summary_en;
  if (summary) return summary;
  const l = labels[lang] ?? labels.zh;
  return l[report.verdict] ?? report.verdict;
}

/**
 * Fill `list` (a `<ul>`) with one `<li data-id data-status>` per rule, failing rules first: the
 * rule's title, the value and the allowed range as Rust formatted them, the hint, and a details
 * line with the rule's id and the raw numbers (for support and the curious). `plain`: the
 * graduate's view, where a value in a specialist's unit (Rust marks it `technical`: L*, ΔE, a
 * score) stays in the details and the line is the hint alone, and the passed rules fold into one
 * row ("已通过 32 项") that opens to list them: what is left to do comes first and alone.
 */
export function renderChecklist(list, report, lang = 'zh', { plain = false } = {}) {
  const l = labels[lang] ?? labels.zh;
  const zh = lang === 'zh';
  list.replaceChildren();
  const passed = plain ? report.rules.filter((r) => r.status === 'pass') : [];
  let into = list;
  for (const r of [...report.rules].sort((a, b) => (order[a.status] ?? 9) - (order[b.status] ?? 9))) {
    if (r.status === 'pass' && passed.length && into === list) {
      const group = document.createElement('li');
      group.className = 'passed-group';
      const fold = document.createElement('details');
      const summary = document.createElement('summary');
      summary.textContent = l.passed.replace('{n}', String(passed.length));
      into = document.createElement('ul');
      into.className = list.className;
      fold.append(summary, into);
      group.append(fold);
      list.append(group);
    }
    const li = document.createElement('li');
    li.className = r.status; li.dataset.id = r.id; li.dataset.status = r.status;
    const add = (tag, cls, text) => {
      const el = document.createElement(tag); el.className = cls; el.textContent = text; li.append(el); return el;
    };
    add('span', 'icon', icon[r.status] ?? '?');
    add('span', 'what', (zh ? r.title_zh : r.title_en) || r.id);
    const value = zh ? r.value_zh : r.value_en;
    const allowed = zh ? r.allowed_zh : r.allowed_en;
    if (value != null && !(plain && r.technical)) {
      add('span', 'value', allowed ? `${value}（${l.allowed} ${allowed}）` : value);
    }
    add('span', 'hint', zh ? r.hint_zh : r.hint_en);
    const details = add('details', 'raw', '');
    const summary = document.createElement('summary'); summary.textContent = l.details;
    const raw = document.createElement('code');
    raw.textContent = `${r.id} ${r.measured ?? ''} ${r.unit ?? ''} [${r.allowed?.min ?? ''}, ${r.allowed?.max ?? ''}]`;
    details.append(summary, raw);
    into.append(li);
  }
}

/**
 * Outline each failing (red) and doubtful (amber) rule's region (image pixels of the checked
 * photo) on a canvas that shows that photo scaled by `scale`, labelled with the rule's title.
 */
export function outlineFailures(canvas, report, scale = 1, lang = 'zh') {
  const ctx = canvas.getContext('2d');
  ctx.save();
  ctx.lineWidth = Math.max(2, canvas.width / 200);
  ctx.strokeStyle = '#e53935';
  ctx.fillStyle = '#e53935';
  ctx.font = `${Math.max(12, Math.round(canvas.width / 40))}px sans-serif`;
  for (const r of report.rules) {
    if (!['fail', 'warn'].includes(r.status) || !r.region) continue;
    // Red where the photo must change, amber where the user should look.
    ctx.strokeStyle = ctx.fillStyle = r.status === 'fail' ? '#e53935' : '#f59e0b';
    const { x, y, width, height } = r.region;
    ctx.strokeRect(x * scale, y * scale, width * scale, height * scale);
    ctx.fillText((lang === 'zh' ? r.title_zh : r.title_en) || r.id, x * scale + 4, y * scale + ctx.lineWidth + 12);
  }
  ctx.restore();
}

/** A typed error `{ code, message_zh, message_en }` (or anything else) as one line of text. */
export function errorText(e, lang = 'zh') {
  if (e && typeof e === 'object' && e.code) {
    return `${(lang === 'zh' ? e.message_zh : e.message_en) ?? e.message_en ?? ''} (${e.code})`;
  }
  return String(e?.message ?? e);
}

/**
 * Show an error in `el`: the message for people, then its code small and grey (for support), so
 * a sentence like "请 1 分钟后再试。" does not end in an identifier. `prefix` goes before it.
 */
export function showError(el, e, lang = 'zh', prefix = '') {
  el.replaceChildren();
  if (!(e && typeof e === 'object' && e.code)) { el.textContent = `${prefix}${errorText(e, lang)}`; return; }
  const code = document.createElement('small');
  code.className = 'code';
  code.textContent = ` (${e.code})`;
  el.append(`${prefix}${(lang === 'zh' ? e.message_zh : e.message_en) ?? e.message_en ?? ''}`, code);
}
