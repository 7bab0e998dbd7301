// Scores the compliance checks against labels made by looking (eval/portraits.json), on two
// parts of the corpus split by source repository: the tuning part, where thresholds and measures
// are chosen, and the reporting part, which no number was set on. Per rule: violations caught as
// `fail`, caught as `warn`, missed; false fails and warnings where the rule is clearly satisfied;
// and how well the measured value separates the two groups (ROC AUC). Per photo: fails and
// warnings on acceptable photos, and whether a rejectable photo's real violations fail, only
// warn or are missed. A report, never a gate: it exits 0 whatever the numbers say (scripts/eval).
//
// node scripts/eval.mjs GRADPHOTO_BINARY PORTRAITS_DIR [LABELS] [--details]

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const details = args.includes('--details');
const [bin, dir, labelsPath = 'eval/portraits.json'] = args.filter((a) => !a.startsWith('--'));
const labelFile = JSON.parse(readFileSync(labelsPath, 'utf8'));
const labels = labelFile.photos;
// Rules an eye cannot judge (framing in face widths and output pixels, source resolution, EXIF
// facts): unclear unless a photo names them.
const notByEye = new Set(labelFile.not_by_eye ?? []);
const reportingSources = new Set(labelFile.split?.reporting ?? []);
const sourceOf = (file) => file.split('-')[0];
const partOf = (file) => (reportingSources.has(sourceOf(file)) ? 'reporting' : 'tuning');
const thresholds = JSON.parse(readFileSync('presets/checks.json', 'utf8'));

// Rules about the photo's framing and its background: a real reason to retake (a crown cut off,
// a busy wall), but not a judgement of the person, so they are counted apart.
const FRAMING = /^(face\.count|input\.resolution|framing\.|geometry\.|background\.)/;
// Rules no pixel can tell (美瞳; an album photo's camera and app without EXIF): left unjudged, they
// are asked in the confirmation the graduate ticks before submitting (src/checks/display.rs),
// counted apart from the misses.
const CONFIRMED = new Set(['eyes.coloured_lenses', 'capture.selfie', 'capture.beautified']);

const results = {};
for (const [file, label] of Object.entries(labels)) {
  const path = join(dir, file);
  if (!existsSync(path)) {
    console.log(`skip ${file}: not in ${dir}`);
    continue;
  }
  const run = spawnSync(bin, ['check', '--json', path], { encoding: 'utf8' });
  let report;
  try {
    report = JSON.parse(run.stdout);
  } catch {
    report = { error: { code: 'eval.no_output', message_en: run.stderr.trim() } };
  }
  results[file] = { label, report, part: partOf(file) };
}

const labelOf = (label, id) => {
  if (label.violated.includes(id)) return 'violated';
  if ((label.satisfied ?? []).includes(id)) return 'satisfied';
  if (label.unclear.includes('*') || label.unclear.includes(id) || notByEye.has(id)) return 'unclear';
  return 'satisfied';
};
const screening = (id) => thresholds[id]?.screening === true;

// How far a reading lies beyond its allowed range (negative: inside it), the score the AUC ranks.
const beyond = (r) => {
  if (r.measured == null || !r.allowed) return null;
  const { min, max } = r.allowed;
  const parts = [];
  if (min != null) parts.push(min - r.measured);
  if (max != null) parts.push(r.measured - max);
  return parts.length ? Math.max(...parts) : null;
};
// The probability that a violating photo reads further beyond the range than a satisfying one
// (ties count half): 1 separates perfectly, 0.5 is a coin.
const auc = (pos, neg) => {
  if (!pos.length || !neg.length) return null;
  let wins = 0;
  for (const p of pos) for (const n of neg) wins += p > n ? 1 : p === n ? 0.5 : 0;
  return wins / (pos.length * neg.length);
};

function score(part) {
  const rows = new Map();
  const row = (id) => {
    if (!rows.has(id)) {
      rows.set(id, { id, clear: 0, violated: 0, caughtFail: 0, caughtWarn: 0, missed: 0,
        missedNe: 0, asked: 0, falseFail: 0, falseWarn: 0, clearNe: 0, pos: [], neg: [], misses: [], alarms: [] });
    }
    return rows.get(id);
  };
  const errors = [];
  const photos = Object.entries(results).filter(([, r]) => r.part === part);
  for (const [file, { label, report }] of photos) {
    if (report.error) {
      errors.push(`${file}: ${report.error.code} ${report.error.message_en ?? ''}`);
      continue;
    }
    for (const r of report.rules) {
      const truth = labelOf(label, r.id);
      const s = row(r.id);
      const what = `${file} ${r.status} ${r.measured ?? ''}`;
      const b = beyond(r);
      if (truth === 'violated') {
        s.violated++;
        if (b != null) s.pos.push(b);
        if (r.status === 'fail') s.caughtFail++;
        else if (r.status === 'warn') s.caughtWarn++;
        else if (r.status === 'not_evaluated' && CONFIRMED.has(r.id)) s.asked++;
        else if (r.status === 'not_evaluated') { s.missedNe++; s.misses.push(what); }
        else { s.missed++; s.misses.push(what); }
      } else if (truth === 'satisfied') {
        s.clear++;
        if (b != null) s.neg.push(b);
        if (r.status === 'fail') { s.falseFail++; s.alarms.push(what); }
        else if (r.status === 'warn') { s.falseWarn++; s.alarms.push(what); }
        else if (r.status === 'not_evaluated') s.clearNe++;
      }
    }
  }
  for (const s of rows.values()) s.auc = auc(s.pos, s.neg);

  // Per photo. Acceptable photos: fails from rules about the person (rejections), from framing
  // and background rules (apart), and every warning. Rejectable photos: the strongest answer to
  // their clear violations of rules about the person.
  const ok = photos.filter(([, { label, report }]) => label.acceptable === true && !report.error);
  const personFails = (report) =>
    report.rules.filter((r) => r.status === 'fail' && !FRAMING.test(r.id)).map((r) => `${r.id} ${r.measured ?? ''}`);
  const framingFails = (report) =>
    report.rules.filter((r) => r.status === 'fail' && FRAMING.test(r.id)).map((r) => `${r.id} ${r.measured ?? ''}`);
  const warns = (report) => report.rules.filter((r) => r.status === 'warn').map((r) => r.id);
  const acceptable = ok.map(([file, { report }]) => ({
    file, person: personFails(report), framing: framingFails(report), warns: warns(report),
  }));
  const rejectable = photos
    .filter(([, { label, report }]) => label.acceptable === false && !report.error)
    .map(([file, { label, report }]) => {
      const own = report.rules.filter((r) => !FRAMING.test(r.id) && label.violated.includes(r.id));
      const best = own.some((r) => r.status === 'fail') ? 'fail'
        : own.some((r) => r.status === 'warn') ? 'warn' : own.length ? 'missed' : 'none';
      return { file, best, violated: own.map((r) => `${r.id}:${r.status}`) };
    });
  // Clear violations of rules about the person, counted rule by rule.
  const person = [...rows.values()].filter((s) => !FRAMING.test(s.id));
  const sum = (k) => person.reduce((n, s) => n + s[k], 0);
  const totals = {
    violations: sum('violated'), fail: sum('caughtFail'), warn: sum('caughtWarn'),
    missed: sum('missed') + sum('missedNe'), asked: sum('asked'),
  };
  return { part, n: photos.length, rows, errors, acceptable, rejectable, totals };
}

const pct = (n, d) => (d ? `${((100 * n) / d).toFixed(0)}%` : '–');
const pad = (v, w) => String(v).padStart(w);

function print(p) {
  console.log(`\n=== ${p.part} part: ${p.n} labelled photos (sources: ${
    [...new Set(Object.keys(results).filter((f) => results[f].part === p.part).map(sourceOf))].join(', ')})\n`);
  console.log('                           violated photos                  clearly satisfied photos');
  console.log('rule                       n  fail  warn  missed  n/e     n  false fail  (rate)  warn  n/e   AUC');
  console.log('-'.repeat(102));
  for (const s of p.rows.values()) {
    console.log(
      `${s.id.padEnd(24)}${pad(s.violated, 4)}${pad(s.caughtFail, 6)}${pad(s.caughtWarn, 6)}` +
        `${pad(s.missed, 8)}${pad(s.missedNe, 5)}   ${pad(s.clear, 4)}${pad(s.falseFail, 12)}` +
        `${pad(pct(s.falseFail, s.clear), 8)}${pad(s.falseWarn, 6)}${pad(s.clearNe, 5)}` +
        `${pad(s.auc == null ? '–' : s.auc.toFixed(2), 6)}` +
        (screening(s.id) ? '  screening' : ''),
    );
  }
  const t = p.totals;
  const judged = t.violations - t.asked;
  console.log(`\nclear violations of rules about the person (framing and background apart): ${t.violations}`);
  console.log(`  asked in the pre-submit confirmation (no pixel tells; not counted below): ${t.asked}`);
  console.log(`  of the other ${judged}: caught ${t.fail + t.warn} (${pct(t.fail + t.warn, judged)}), as fail ${t.fail} (${pct(t.fail, judged)}), only warned ${t.warn}, missed ${t.missed}`);
  const a = p.acceptable;
  const warnings = a.reduce((n, x) => n + x.warns.length, 0);
  console.log(`acceptable photos: ${a.length}`);
  console.log(`  rejected by a rule about the person: ${a.filter((x) => x.person.length).length}`);
  for (const x of a.filter((x) => x.person.length)) console.log(`    ${x.file}: ${x.person.join(', ')}`);
  console.log(`  with a fail from a framing or background rule: ${a.filter((x) => x.framing.length).length}`);
  for (const x of a.filter((x) => x.framing.length)) console.log(`    ${x.file}: ${x.framing.join(', ')}`);
  console.log(`  warnings: ${warnings} (${a.length ? (warnings / a.length).toFixed(2) : '–'} per photo)`);
  for (const x of a.filter((x) => x.warns.length)) console.log(`    ${x.file}: ${x.warns.join(', ')}`);
  const r = p.rejectable.filter((x) => x.best !== 'none');
  const by = (b) => r.filter((x) => x.best === b);
  console.log(`rejectable photos with a clear violation of a rule about the person: ${r.length}`);
  console.log(`  a real violation fails: ${by('fail').length}, only warns: ${by('warn').length}, missed: ${by('missed').length}`);
  for (const x of [...by('warn'), ...by('missed')]) console.log(`    ${x.best.padEnd(6)} ${x.file}: ${x.violated.join(', ')}`);
  const worst = [...p.rows.values()].filter((s) => s.clear && s.falseFail / s.clear > 0.01)
    .map((s) => `${s.id} ${s.falseFail}/${s.clear}`);
  console.log(`rules failing more than 1 % of their clearly satisfied photos: ${worst.length ? worst.join(', ') : 'none'}`);
  for (const e of p.errors) console.log(`error: ${e}`);
  if (details) {
    console.log('\nper rule: misses and alarms (file, status, measured)');
    for (const s of p.rows.values()) {
      if (!s.misses.length && !s.alarms.length) continue;
      console.log(`${s.id}`);
      for (const m of s.misses) console.log(`  missed  ${m}`);
      for (const x of s.alarms) console.log(`  alarm   ${x}`);
    }
  }
}

const parts = ['tuning', 'reporting'].map(score);
parts.forEach(print);

mkdirSync('target/eval', { recursive: true });
const plain = (p) => ({ ...p, rows: [...p.rows.values()].map(({ pos, neg, ...s }) => s) });
writeFileSync('target/eval/eval.json', JSON.stringify({ parts: parts.map(plain), results }, null, 1));
console.log('\nevery report and count: target/eval/eval.json');
