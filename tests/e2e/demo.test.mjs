// Browser end-to-end tests of the single-photo checker (www/check.html), served as scripts/demo
// serves it, driven in Debian's Chromium by playwright-core. Needs `scripts/build` to have
// produced pkg/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { serve } from '../../scripts/serve.mjs';

const photo = (name) => new URL(`../data/${name}`, import.meta.url).pathname;
let server, browser, base;

before(async () => {
  server = await serve(0);
  base = `http://127.0.0.1:${server.address().port}/`;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
});
after(async () => { await browser?.close(); server?.close(); });

async function openDemo() {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.goto(new URL('check.html', base).href);
  await page.waitForSelector('body[data-ready]');
  return { page, errors };
}

test('uploading a real photo gives a 480×640, 300 dpi, 20–40 KB JPEG', async () => {
  const { page, errors } = await openDemo();
  await page.setInputFiles('#file', photo('grace_hopper.jpg'));
  await page.waitForSelector('#result:not([hidden])');
  const result = JSON.parse(await page.getAttribute('#outinfo', 'data-result'));
  assert.equal(result.width, 480);
  assert.equal(result.height, 640);
  assert.equal(result.dpi, 300);
  assert.ok(result.size_bytes >= 20480 && result.size_bytes <= 40000, `size ${result.size_bytes}`);
  assert.ok(result.quality >= 60);
  // The standardised photo: verified by Rust's closed loop, measured lines in range.
  assert.equal(result.verdict, 'pass');
  assert.equal(result.background, '#64C5FF');
  assert.ok(result.measured.crown_px >= 50 && result.measured.crown_px <= 110, `crown ${result.measured.crown_px}`);
  assert.ok(result.measured.eye_line_px >= 200 && result.measured.eye_line_px <= 300, `eyes ${result.measured.eye_line_px}`);
  assert.deepEqual(await page.$eval('#after', (c) => [c.width, c.height]), [480, 640]);
  const corner = await page.$eval('#after', (c) => Array.from(c.getContext('2d').getImageData(2, 2, 1, 1).data));
  assert.ok(Math.abs(corner[0] - 0x64) <= 3 && Math.abs(corner[1] - 0xc5) <= 3 && Math.abs(corner[2] - 0xff) <= 3, `corner ${corner}`);
  const natural = await page.$eval('#output', (img) => img.decode().then(() => [img.naturalWidth, img.naturalHeight]));
  assert.deepEqual(natural, [480, 640]);
  const info = await page.textContent('#info');
  assert.match(info, /512×600/);
  // The face panel: one face, with the eye line and face width measured in WASM.
  await page.waitForSelector('#analysis:not([hidden])');
  const analysis = JSON.parse(await page.getAttribute('#analysis', 'data-result'));
  assert.equal(analysis.faces, 1);
  assert.ok(analysis.geometry.inter_eye_px > 80 && analysis.geometry.inter_eye_px < 100, `eyes ${analysis.geometry.inter_eye_px}`);
  assert.ok(analysis.geometry.crown.y < analysis.geometry.eye_mid.y);
  // The checklist: Rust's report rendered in Chinese. Her officer cap reads beyond the head
  // covering rule's confident band, so it fails with its fix and the summary says what to change;
  // the busy flag background only warns (the background is replaced anyway).
  await page.waitForSelector('#report:not([hidden])');
  assert.equal(await page.getAttribute('#report', 'data-verdict'), 'fail');
  assert.equal(await page.getAttribute('#rules li[data-id="background.uniform"]', 'data-status'), 'warn');
  assert.equal(await page.getAttribute('#rules li[data-id="head.covering"]', 'data-status'), 'fail');
  assert.match(await page.textContent('#rules li[data-id="head.covering"] .hint'), /摘下帽子/);
  assert.match(await page.textContent('#verdict'), /需要修改/);
  assert.doesNotMatch(await page.textContent('#verdict'), /无需修改|全部通过/);
  assert.match(await page.textContent('#rules li[data-id="background.uniform"] .hint'), /背景/);
  const painted = await page.$eval('#overlay', (c) => [c.width, c.height]);
  assert.deepEqual(painted, [512, 600]);
  assert.deepEqual(errors, []);
});

test('a broken file shows a typed error in Chinese, then English, and the page keeps working', async () => {
  const { page, errors } = await openDemo();
  await page.setInputFiles('#file', { name: 'photo.heic', mimeType: 'image/heic', buffer: Buffer.from('\0\0\0\x18ftypheic\0\0\0\0mif1heic') });
  await page.waitForSelector('#error:not([hidden])');
  assert.match(await page.textContent('#error'), /HEIC.*input\.unsupported_format/);
  await page.click('#lang');
  assert.match(await page.textContent('#error'), /not supported/);
  await page.setInputFiles('#file', photo('astronaut.png'));
  await page.waitForSelector('#result:not([hidden])');
  assert.equal(await page.isHidden('#error'), true);
  assert.deepEqual(errors, []);
});

test('the scalar build (for webviews without SIMD) checks and standardises a photo like the SIMD one', async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  // The favicon: a page of this origin that loads no module of its own.
  await page.goto(new URL('favicon.svg', base).href);
  const jpeg = Array.from(await (await import('node:fs/promises')).readFile(photo('grace_hopper.jpg')));
  const out = await page.evaluate(async (bytes) => {
    const m = await import('/pkg/gradphoto.js');
    const { simdSupported, loadAnalyzer } = await import('/pkg/loader.js');
    await m.default({ module_or_path: '/pkg/gradphoto_scalar_bg.wasm' });
    const analyzer = await loadAnalyzer({ baseUrl: new URL('/pkg/models/', location.href) });
    const r = analyzer.checkAndStandardize(new Uint8Array(bytes), 'chsi-graduation');
    return { simd: simdSupported(), verdict: r.standardized.report.verdict, width: r.standardized.width, height: r.standardized.height, rules: r.report.rules.length, eyes: r.report.rules.find((x) => x.id === 'geometry.eye_line').measured };
  }, jpeg);
  assert.equal(out.simd, true, 'Chromium runs the SIMD build');
  assert.deepEqual([out.width, out.height, out.verdict], [480, 640, 'pass']);
  assert.ok(out.rules > 30 && out.eyes > 200 && out.eyes < 300, JSON.stringify(out));
  assert.deepEqual(errors, []);
});

test('the worker fetches the full-range detector only for a photo with no face at close range', async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  const models = [];
  page.context().on('request', (r) => { if (r.url().endsWith('.onnx')) models.push(r.url().split('/').pop()); });
  await page.goto(new URL('favicon.svg', base).href);
  const jpeg = Array.from(await (await import('node:fs/promises')).readFile(photo('grace_hopper.jpg')));
  const near = await page.evaluate(async (bytes) => {
    const { createWorkerAnalyzer } = await import('/pkg/loader.js');
    window.checker = await createWorkerAnalyzer({ baseUrl: new URL('/pkg/models/', location.href) });
    const r = await window.checker.checkAndStandardize(new Uint8Array(bytes), 'chsi-graduation');
    return r.report.faces;
  }, jpeg);
  assert.equal(near, 1);
  // Three models to start, the iris model (the eyelids) and the expression classifier with the
  // photo; no full-range detector.
  assert.deepEqual(models.sort(), ['expression_fer.onnx', 'face_detection_short_range_w16.onnx', 'face_landmark_w16.onnx', 'iris_landmark_w16.onnx', 'selfie_segmentation_fixed_w16.onnx']);
  // The same face 250 px wide in a 1600×1200 frame: too small for the short-range detector.
  const far = await page.evaluate(async (bytes) => {
    const grace = await createImageBitmap(new Blob([new Uint8Array(bytes)]));
    const canvas = new OffscreenCanvas(1600, 1200);
    const ctx = canvas.getContext('2d');
    ctx.drawImage(grace, 0, 0);
    const [r, g, b] = ctx.getImageData(grace.width - 1, 0, 1, 1).data;
    ctx.fillStyle = `rgb(${r},${g},${b})`;
    ctx.fillRect(0, 0, 1600, 1200);
    ctx.drawImage(grace, 900, 500, 250, Math.round(250 * grace.height / grace.width));
    const file = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.92 })).arrayBuffer());
    const out = await window.checker.checkAndStandardize(file, 'chsi-graduation');
    return { faces: out.report.faces, count: out.report.rules.find((x) => x.id === 'face.count').status };
  }, jpeg);
  assert.deepEqual(far, { faces: 1, count: 'pass' });
  assert.ok(models.includes('face_detection_full_range_w16.onnx'), models.join());
  assert.deepEqual(errors, []);
});
