// Scores the compliance checks against labels made by looking (eval/portraits.json): per rule,
// violations caught and missed and false alarms on photos where the rule is clearly satisfied;
// then how many acceptable photos get a `fail` from a rule about the person. A report, never a
// gate: it exits 0 whatever the numbers say (scripts/eval).
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
const thresholds = JSON.parse(readFileSync('presets/checks.json', 'utf8'));

// Rules about the photo's framing and its background: a real reason to retake (a crown cut off,
// a busy wall), but not a judgement of the person, so they are counted apart.
const FRAMING = /^(face\.count|input\.resolution|framing\.|geometry\.|background\.)/;

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
  results[file] = { label, report };
}

const labelOf = (label, id) => {
  if (label.violated.includes(id)) return 'violated';
  if ((label.satisfied ?? []).includes(id)) return 'satisfied';
  if (label.unclear.includes('*') || label.unclear.includes(id) || notByEye.has(id)) return 'unclear';
  return 'satisfied';
};
const screening = (id) => thresholds[id]?.screening === true;

const rows = new Map();
const row = (id) => {
  if (!rows.has(id)) {
    rows.set(id, { id, clear: 0, violated: 0, caughtFail: 0, caughtWarn: 0, missed: 0,
      missedNe: 0, falseFail: 0, falseWarn: 0, clearNe: 0, misses: [], alarms: [] });
  }
  return rows.get(id);
};
const errors = [];
for (const [file, { label, report }] of Object.entries(results)) {
  if (report.error) {
    errors.push(`${file}: ${report.error.code} ${report.error.message_en ?? ''}`);
    continue;
  }
  for (const r of report.rules) {
    const truth = labelOf(label, r.id);
    const s = row(r.id);
    const what = `${file} ${r.status} ${r.measured ?? ''}`;
    if (truth === 'violated') {
      s.violated++;
      if (r.status === 'fail') s.caughtFail++;
      else if (r.status === 'warn') s.caughtWarn++;
      else if (r.status === 'not_evaluated') { s.missedNe++; s.misses.push(what); }
      else { s.missed++; s.misses.push(what); }
    } else if (truth === 'satisfied') {
      s.clear++;
      if (r.status === 'fail') { s.falseFail++; s.alarms.push(what); }
      else if (r.status === 'warn') { s.falseWarn++; s.alarms.push(what); }
      else if (r.status === 'not_evaluated') s.clearNe++;
    }
  }
}

const pct = (n, d) => (d ? `${((100 * n) / d).toFixed(0)}%` : '–');
const pad = (v, w) => String(v).padStart(w);
console.log(`\n${Object.keys(results).length} labelled photos from ${dir}\n`);
console.log('                           violated photos                  clearly satisfied photos');
console.log('rule                       n  fail  warn  missed  n/e     n  false fail  (rate)  warn  n/e');
console.log('-'.repeat(96));
for (const s of rows.values()) {
  console.log(
    `${s.id.padEnd(24)}${pad(s.violated, 4)}${pad(s.caughtFail, 6)}${pad(s.caughtWarn, 6)}` +
      `${pad(s.missed, 8)}${pad(s.missedNe, 5)}   ${pad(s.clear, 4)}${pad(s.falseFail, 12)}` +
      `${pad(pct(s.falseFail, s.clear), 8)}${pad(s.falseWarn, 6)}${pad(s.clearNe, 5)}` +
      (screening(s.id) ? '  screening' : ''),
  );
}

// Acceptable photos: which get a `fail`, from rules about the person and, apart, from framing
// and background rules.
const acceptable = Object.entries(results).filter(([, { label, report }]) => label.acceptable && !report.error);
const failing = (report, framing) =>
  report.rules.filter((r) => r.status === 'fail' && FRAMING.test(r.id) === framing)
    .map((r) => `${r.id} ${r.measured ?? ''}`);
const person = acceptable.filter(([, { report }]) => failing(report, false).length);
const framed = acceptable.filter(([, { report }]) => failing(report, true).length);
console.log(`\nacceptable photos: ${acceptable.length}`);
console.log(`  with a fail from a rule about the person: ${person.length}`);
for (const [file, { report }] of person) console.log(`    ${file}: ${failing(report, false).join(', ')}`);
console.log(`  with a fail from a framing or background rule: ${framed.length}`);
for (const [file, { report }] of framed) console.log(`    ${file}: ${failing(report, true).join(', ')}`);
const worst = [...rows.values()].filter((s) => s.clear && s.falseFail / s.clear > 0.03).map((s) => s.id);
console.log(`rules with false alarms (fail) above 3 % of their clearly satisfied photos: ${worst.length ? worst.join(', ') : 'none'}`);
const missed = [...rows.values()].reduce((n, s) => n + s.missed + s.missedNe, 0);
console.log(`violations missed (pass or not_evaluated): ${missed}`);
for (const e of errors) console.log(`error: ${e}`);

if (details) {
  console.log('\nper rule: misses and alarms (file, status, measured)');
  for (const s of rows.values()) {
    if (!s.misses.length && !s.alarms.length) continue;
    console.log(`${s.id}`);
    for (const m of s.misses) console.log(`  missed  ${m}`);
    for (const a of s.alarms) console.log(`  alarm   ${a}`);
  }
}

mkdirSync('target/eval', { recursive: true });
writeFileSync('target/eval/eval.json', JSON.stringify({ rows: [...rows.values()], results }, null, 1));
console.log('\nevery report and count: target/eval/eval.json');
