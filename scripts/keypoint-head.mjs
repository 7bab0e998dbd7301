// How well the face detector's six keypoints stand in for the face mesh in the live guide
// (`guide::Head::from_keypoints`), and where its constants come from: over the single-face photos
// of the real-portrait corpus, the mesh's cheek-to-cheek width ÷ the keypoints' ear span, the
// eye-to-chin ÷ eye-to-mouth ratio, and the least-squares slope of the mesh's yaw on the nose's
// offset between the ears, each on the tuning part (where the constants are set) and the reporting
// part (the split of eval/portraits.json); then the errors of the constants in src/guide.rs.
//
//   cargo build --release --features cli
//   node scripts/keypoint-head.mjs target/release/gradphoto ../shared/portraits
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [bin, dir] = process.argv.slice(2);
if (!bin || !dir) {
  console.error('usage: node scripts/keypoint-head.mjs <gradphoto binary> <portraits folder>');
  process.exit(2);
}
const reporting = new Set(JSON.parse(readFileSync(new URL('../eval/portraits.json', import.meta.url))).split.reporting);
const guide = readFileSync(new URL('../src/guide.rs', import.meta.url), 'utf8');
const constant = (name) => Number(guide.match(new RegExp(`const ${name}: f32 = ([0-9.]+);`))[1]);
const used = { width: constant('WIDTH_PER_EAR_SPAN'), chin: constant('CHIN_PER_MOUTH'), yaw: constant('YAW_PER_NOSE_OFFSET') };

const dist = (a, b) => Math.hypot(a.x - b.x, a.y - b.y);
const rows = [];
for (const file of readdirSync(dir).filter((f) => /\.(jpe?g|png|webp)$/i.test(f)).sort()) {
  let analysis;
  try {
    analysis = JSON.parse(execFileSync(bin, ['analyze', '--json', join(dir, file)], { maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'ignore'] }));
  } catch {
    continue; // not analysable (no face, a refused file): not a guide case
  }
  if (analysis.faces.length !== 1 || !analysis.faces[0].geometry.pose) continue;
  const { keypoints: [eyeR, eyeL, nose, mouth, earR, earL], geometry: g } = analysis.faces[0];
  const mid = { x: (eyeR.x + eyeL.x) / 2, y: (eyeR.y + eyeL.y) / 2 };
  const n = dist(eyeR, eyeL);
  const along = { x: (eyeL.x - eyeR.x) / n, y: (eyeL.y - eyeR.y) / n };
  const at = (p) => (p.x - mid.x) * along.x + (p.y - mid.y) * along.y;
  const right = at(nose) - at(earR);
  const left = at(earL) - at(nose);
  rows.push({
    reporting: reporting.has(file.split('-')[0]),
    width: g.face_width_px / dist(earR, earL),
    chin: dist(mid, g.chin) / dist(mid, mouth),
    offset: (right - left) / (right + left),
    yaw: g.pose.yaw_deg,
    roll: g.eye_line_deg - (Math.atan2(eyeL.y - eyeR.y, eyeL.x - eyeR.x) * 180) / Math.PI,
  });
}

const quantile = (values, q) => {
  const v = [...values].sort((a, b) => a - b);
  return v[Math.min(v.length - 1, Math.floor(q * v.length))];
};
const spread = (values) => `median ${quantile(values, 0.5).toFixed(3)}, p10–p90 ${quantile(values, 0.1).toFixed(3)}–${quantile(values, 0.9).toFixed(3)}`;
for (const [name, part] of [['tuning', rows.filter((r) => !r.reporting)], ['reporting', rows.filter((r) => r.reporting)]]) {
  const slope = part.reduce((s, r) => s + r.yaw * r.offset, 0) / part.reduce((s, r) => s + r.offset ** 2, 0);
  const yawError = part.map((r) => Math.abs(r.yaw - used.yaw * r.offset));
  const widthError = part.map((r) => Math.abs(used.width / r.width - 1));
  console.log(`${name} part: ${part.length} single-face photos`);
  console.log(`  mesh width ÷ ear span: ${spread(part.map((r) => r.width))} (used ${used.width}; its error ${spread(widthError)})`);
  console.log(`  eye-to-chin ÷ eye-to-mouth: ${spread(part.map((r) => r.chin))} (used ${used.chin})`);
  console.log(`  yaw per nose offset, least squares: ${slope.toFixed(1)} (used ${used.yaw}; its error, degrees: ${spread(yawError)})`);
  console.log(`  eye line, mesh − keypoints, degrees: ${spread(part.map((r) => r.roll))}`);
}
