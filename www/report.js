// The compliance report as Rust returns it, rendered: one checklist of rules (status, measured,
// allowed, hint in the chosen language) and the failing rules' regions outlined over the photo.
// Shared by the checker (check.html), the collection flow (index.html) and the reviewer page.
// It judges nothing: statuses, numbers, hints and boxes all come from the report.

const labels = {
  zh: { pass: '通过', fail: '不通过', warn: '需注意', not_evaluated: '未判断', measured: '测量值', allowed: '允许范围' },
  en: { pass: 'Pass', fail: 'Fail', warn: 'Check', not_evaluated: 'Not judged', measured: 'measured', allowed: 'allowed' },
};
const order = { fail: 0, warn: 1, not_evaluated: 2, pass: 3 };
const icon = { pass: '✓', fail: '✗', warn: '!', not_evaluated: '–' };

/** "不通过 · 3 不通过": the verdict and how many rules fail. */
export function verdictText(report, lang = 'zh') {
  const l = labels[lang] ?? labels.zh;
  const failing = report.rules.filter((r) => r.status === 'fail').length;
  return `${l[report.verdict] ?? report.verdict} · ${failing} ${l.fail}`;
}

/** Fill `list` (a `<ul>`) with one `<li data-id data-status>` per rule, failing rules first. */
export function renderChecklist(list, report, lang = 'zh') {
  const l = labels[lang] ?? labels.zh;
  list.replaceChildren();
  for (const r of [...report.rules].sort((a, b) => (order[a.status] ?? 9) - (order[b.status] ?? 9))) {
    const li = document.createElement('li');
    li.className = r.status; li.dataset.id = r.id; li.dataset.status = r.status;
    const range = r.allowed ? `[${r.allowed.min ?? ''}, ${r.allowed.max ?? ''}]` : '';
    const value = r.measured == null ? '' : ` ${l.measured} ${r.measured} ${r.unit ?? ''} ${l.allowed} ${range}`;
    const parts = ['icon', 'what', 'hint'].map((c) => {
      const span = document.createElement('span'); span.className = c; li.append(span); return span;
    });
    parts[0].textContent = icon[r.status] ?? '?';
    parts[1].textContent = `${r.id}${value}`;
    parts[2].textContent = lang === 'zh' ? r.hint_zh : r.hint_en;
    list.append(li);
  }
}

/**
 * Outline each failing rule's region (image pixels of the checked photo) on a canvas that shows
 * that photo scaled by `scale`.
 */
export function outlineFailures(canvas, report, scale = 1) {
  const ctx = canvas.getContext('2d');
  ctx.save();
  ctx.lineWidth = Math.max(2, canvas.width / 200);
  ctx.strokeStyle = '#e53935';
  ctx.fillStyle = '#e53935';
  ctx.font = `${Math.max(12, Math.round(canvas.width / 40))}px sans-serif`;
  for (const r of report.rules) {
    if (r.status !== 'fail' || !r.region) continue;
    const { x, y, width, height } = r.region;
    ctx.strokeRect(x * scale, y * scale, width * scale, height * scale);
    ctx.fillText(r.id, x * scale + 4, y * scale + ctx.lineWidth + 12);
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
