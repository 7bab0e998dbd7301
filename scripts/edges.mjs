#!/usr/bin/env node
// The edge benchmark (#31): standardise every photo in a folder on each of the preset's
// backgrounds with `gradphoto batch`, and print how clean the cut-out's edge is along the
// shoulders (src/standardize/edges.rs): `steps`, the edge against its smoothed self (RMS px; a
// coarse grid's staircase reads ≥ 0.5), and `band`, the share of the edge's columns where a
// plateau of blended colour sits between background and shoulder, each beyond what the photo's
// own edge shows in the same columns. Limits as in presets/checks.json (output.edge_steps,
// output.edge_band). A control row per background ("the photo") reads the photos' own edges,
// uncut, against their own walls, with the same detectors: how often a photographed edge alone
// would trip them.
//
//   node scripts/edges.mjs [BIN] [DIR] [--before BIN]
//
// BIN defaults to target/release/gradphoto (built with --features cli), DIR to
// ../shared/portraits (evaluation only: the photos are read, never copied). With --before, the
// same is run with a second binary (an older build) and both are printed side by side.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const beforeAt = args.indexOf('--before');
const before = beforeAt >= 0 ? args.splice(beforeAt, 2)[1] : null;
const [bin = 'target/release/gradphoto', dir = '../shared/portraits'] = args;
if (!existsSync(dir)) {
  console.log(`skipped: ${dir} is not here (the evaluation photos are only on CI and developer machines)`);
  process.exit(0);
}
const checks = JSON.parse(readFileSync('presets/checks.json', 'utf8'));
const limit = { steps: checks['output.edge_steps']?.max ?? 0.5, band: checks['output.edge_band']?.max ?? 0.2 };
const preset = JSON.parse(readFileSync('presets/chsi-graduation.json', 'utf8'));
const backgrounds = [preset.background.color, ...preset.background.alternatives];

function run(binary, background) {
  const out = mkdtempSync(join(tmpdir(), 'gradphoto-edges-'));
  const r = spawnSync(binary, ['batch', dir, '-o', out, '--background', background], { encoding: 'utf8', maxBuffer: 1 << 26 });
  rmSync(out, { recursive: true, force: true });
  const rows = {};
  for (const line of r.stdout.split('\n')) {
    const m = line.match(/^ok\s+(\S+)\s.*edge steps (\S+) px, band (\S+) over (\d+) columns(?: \((\d+) against the photo's own edge: steps (\S+) px, band ([^;)\s]+)(?:; the edge (\S+) px outside the photo's)?\))?/);
    const num = (v) => (v == null || v === '–' ? null : Number(v));
    if (m) {
      rows[m[1]] = {
        steps: num(m[2]), band: num(m[3]), columns: Number(m[4]), outside: num(m[8]),
        photo: { steps: num(m[6]), band: num(m[7]), columns: Number(m[5] ?? 0) },
      };
    }
  }
  return rows;
}

// The edge's place against the photo's own (`outside`, px; builds before it print none) is
// reported, not judged: photos whose edge lies more than this outside are counted and listed.
const OUTSIDE_LISTED = 0.5;
const quantile = (xs, q) => {
  const s = xs.filter((x) => x != null).sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : null;
};
const f = (v) => (v == null ? '–' : v.toFixed(2));
function summary(rows) {
  const all = Object.values(rows);
  const steps = all.map((r) => r.steps);
  const band = all.map((r) => r.band);
  const outside = all.map((r) => r.outside);
  return {
    photos: all.length,
    read: all.filter((r) => r.steps != null || r.band != null).length,
    steps: `${f(quantile(steps, 0.5))} / ${f(quantile(steps, 0.9))} / ${f(quantile(steps, 1))}`,
    stepsOver: steps.filter((v) => v != null && v > limit.steps).length,
    band: `${f(quantile(band, 0.5))} / ${f(quantile(band, 0.9))} / ${f(quantile(band, 1))}`,
    bandOver: band.filter((v) => v != null && v > limit.band).length,
    outside: `${f(quantile(outside, 0.5))} / ${f(quantile(outside, 0.9))} / ${f(quantile(outside, 1))}`,
    outsideOver: outside.filter((v) => v != null && v > OUTSIDE_LISTED).length,
  };
}

console.log(`edge benchmark over ${dir}: steps (RMS px, limit ${limit.steps}) and band (share of columns, limit ${limit.band}); median / 90th percentile / max`);
const header = `| background | build | framed | read | steps | steps > limit | band | band > limit | outside (px) | outside > ${OUTSIDE_LISTED} |`;
console.log(`\n${header}\n|---|---|---|---|---|---|---|---|---|---|`);
const details = [];
for (const background of backgrounds) {
  for (const [name, binary] of before ? [['before', before], ['after', bin]] : [['', bin]]) {
    const rows = run(binary, background);
    const s = summary(rows);
    console.log(`| ${background} | ${name || '–'} | ${s.photos} | ${s.read} | ${s.steps} | ${s.stepsOver} | ${s.band} | ${s.bandOver} | ${s.outside} | ${s.outsideOver} |`);
    const photo = Object.fromEntries(Object.entries(rows).filter(([, r]) => r.photo.columns > 0).map(([k, r]) => [k, r.photo]));
    if (Object.keys(photo).length) {
      const p = summary(photo);
      console.log(`| ${background} | ${name ? `${name}: ` : ''}the photo | ${p.photos} | ${p.read} | ${p.steps} | ${p.stepsOver} | ${p.band} | ${p.bandOver} | – | – |`);
    }
    for (const [photo, r] of Object.entries(rows)) {
      if ((r.steps ?? 0) > limit.steps || (r.band ?? 0) > limit.band || (r.outside ?? 0) > OUTSIDE_LISTED) {
        details.push(`${background} ${name || ''} ${photo}: steps ${f(r.steps)}, band ${f(r.band)}, outside ${f(r.outside)} px`);
      }
    }
  }
}
if (details.length) console.log(`\nover a limit (or outside by more than ${OUTSIDE_LISTED} px):\n${details.join('\n')}`);
