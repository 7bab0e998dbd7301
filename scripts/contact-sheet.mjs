#!/usr/bin/env node
// A contact sheet of the standardised photo's edges as a reviewer sees them at 1:1 (#31): for
// each photo the project may ship (tests/data: public-domain Grace Hopper and Eileen Collins) on
// each of the CHSI preset's backgrounds, crops of the hair edge beside the crown and of the
// shoulder edge, shown at 3× with no smoothing, each row "before" (an older build, --before) and
// "after" (this build). Composed in headless Chromium (playwright-core, already a dev dependency),
// written as docs/edges/contact-sheet.jpg (quality 95).
//
//   node scripts/contact-sheet.mjs [BIN] [--before BIN] [--out FILE]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';

const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : null;
};
const before = option('--before');
const out = option('--out') ?? 'docs/edges/contact-sheet.jpg';
const [bin = 'target/release/gradphoto'] = args;
const photos = ['tests/data/grace_hopper.jpg', 'tests/data/astronaut.png'];
const preset = JSON.parse(readFileSync('presets/chsi-graduation.json', 'utf8'));
const backgrounds = [preset.background.color, ...preset.background.alternatives];
const builds = before ? [['before', before], ['after', bin]] : [['this build', bin]];
const CROP = 72; // output pixels, shown at 3×

const tmp = mkdtempSync(join(tmpdir(), 'gradphoto-sheet-'));
const tiles = [];
for (const photo of photos) {
  for (const background of backgrounds) {
    for (const [build, binary] of builds) {
      const file = join(tmp, `${tiles.length}.jpg`);
      const r = spawnSync(binary, ['standardize', photo, '-o', file, '--background', background, '--json'], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${binary} standardize ${photo}: ${r.stderr || r.stdout}`);
      const m = JSON.parse(r.stdout).measured;
      const centre = 240 + m.centre_offset_px;
      const w = m.face_width_px;
      // Hair: the head's left outline a little below the crown. Shoulder: beside the neck.
      const crops = {
        hair: [centre - 0.55 * w - CROP / 2, (m.crown_px ?? 60) + 10],
        shoulder: [centre - 0.75 * w - CROP / 2, m.eye_line_px + 0.8 * w - CROP / 2],
      };
      tiles.push({ photo: photo.split('/').pop(), background, build, jpeg: readFileSync(file).toString('base64'), crops });
    }
  }
}
rmSync(tmp, { recursive: true, force: true });

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage();
const jpeg = await page.evaluate(async ({ tiles, crop, columns }) => {
  const scale = 3;
  const cell = crop * scale;
  const label = 18;
  const rows = tiles.length / columns;
  const canvas = document.createElement('canvas');
  canvas.width = columns * 2 * (cell + 4) + 200;
  canvas.height = rows * (cell + label + 4) + 30;
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.imageSmoothingEnabled = false;
  ctx.fillStyle = '#000';
  ctx.font = '14px sans-serif';
  ctx.fillText('1:1 crops at 3×: hair edge | shoulder edge; each row one photo on one background, each build side by side', 8, 20);
  for (let i = 0; i < tiles.length; i++) {
    const t = tiles[i];
    const img = new Image();
    img.src = `data:image/jpeg;base64,${t.jpeg}`;
    await img.decode();
    const row = Math.floor(i / columns);
    const col = i % columns;
    const y = 30 + row * (cell + label + 4);
    const x0 = 200 + col * 2 * (cell + 4);
    if (col === 0) ctx.fillText(`${t.photo} ${t.background}`, 8, y + label + cell / 2);
    ctx.fillText(t.build, x0, y + 14);
    ['hair', 'shoulder'].forEach((k, j) => {
      const [sx, sy] = t.crops[k].map((v) => Math.max(0, Math.round(v)));
      ctx.drawImage(img, Math.min(sx, 480 - crop), Math.min(sy, 640 - crop), crop, crop, x0 + j * (cell + 4), y + label, cell, cell);
    });
  }
  return canvas.toDataURL('image/jpeg', 0.95).split(',')[1];
}, { tiles, crop: CROP, columns: builds.length });
await browser.close();
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, Buffer.from(jpeg, 'base64'));
console.log(`wrote ${out}: ${tiles.length / builds.length} photo × background pairs, ${builds.map((b) => b[0]).join(' and ')}`);
