// What the browser tests and the slow-phone benchmark both need: `gradphoto serve` on a free port,
// a fake camera file showing a photo, and a 12 MP phone photo made from one, all made here from
// the public-domain test photo (nothing downloaded).
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';

/** Start `gradphoto serve` and read its one line `gradphoto serve: http://127.0.0.1:<port>/`. */
export function startServer(bin, dataDir, { root, reviewerToken, onLog = () => {} }) {
  const child = spawn(bin, ['serve', '--addr', '127.0.0.1:0', '--data', dataDir, '--reviewer-token', reviewerToken, '--test-clock'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let serverLog = '';
  return new Promise((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`gradphoto serve printed no address in 60 s\n${serverLog}`)), 60_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/gradphoto serve: (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (m) { clearTimeout(timer); ok({ child, url: m[1] }); }
    });
    child.stderr.on('data', (d) => { serverLog += d; onLog(String(d)); });
    child.on('error', (e) => { clearTimeout(timer); fail(e); });
    child.on('exit', (code) => { clearTimeout(timer); fail(new Error(`gradphoto serve exited (${code})\n${serverLog}`)); });
  });
}

/** Grace Hopper enlarged to 3024×4032 (a 12 MP phone photo) as a JPEG, made by Chromium. */
export async function twelveMegapixelJpeg(browser, jpegPath) {
  const maker = await browser.newPage();
  try {
    const source = (await readFile(jpegPath)).toString('base64');
    const jpeg = await maker.evaluate(async (b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/jpeg' }));
      const canvas = new OffscreenCanvas(3024, 4032);
      canvas.getContext('2d').drawImage(bitmap, 0, 0, 3024, 4032);
      const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.92 });
      const out = new Uint8Array(await blob.arrayBuffer());
      let text = '';
      for (let i = 0; i < out.length; i += 0x8000) text += String.fromCharCode(...out.subarray(i, i + 0x8000));
      return btoa(text);
    }, source);
    return Buffer.from(jpeg, 'base64');
  } finally {
    await maker.close();
  }
}
/**
 * The fake camera's file: the test photo as one Y4M frame at 60 fps (4:2:0, chroma averaged over 2×2),
 * converted from canvas RGBA in a page. BT.601 coefficients in studio range (Y 16–235, Cb/Cr
 * 16–240): Chromium's file capturer decodes Y4M as studio range, and this round-trips the photo
 * within about 1 level per channel (full range came back 10 levels off on average).
 */
export async function makeFakeCamera(browser, jpegPath, file) {
  const page = await browser.newPage();
  const jpeg = await readFile(jpegPath);
  const b64 = await page.evaluate(async (src) => {
    const img = new Image();
    img.src = src;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const { data, width: W, height: H } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const header = `YUV4MPEG2 W${W} H${H} F60:1 Ip A1:1 C420jpeg\nFRAME\n`;
    const out = new Uint8Array(header.length + (W * H * 3) / 2);
    let o = 0;
    for (const ch of header) out[o++] = ch.charCodeAt(0);
    const clamp = (v) => Math.max(0, Math.min(255, Math.round(v)));
    for (let i = 0; i < W * H; i++) {
      const y = 0.299 * data[4 * i] + 0.587 * data[4 * i + 1] + 0.114 * data[4 * i + 2];
      out[o++] = clamp(16 + (y * 219) / 255);
    }
    const u0 = o; const v0 = o + (W * H) / 4;
    for (let y = 0; y < H; y += 2) {
      for (let x = 0; x < W; x += 2) {
        let r = 0; let g = 0; let b = 0;
        for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
          const i = 4 * ((y + dy) * W + x + dx);
          r += data[i] / 4; g += data[i + 1] / 4; b += data[i + 2] / 4;
        }
        const k = (y / 2) * (W / 2) + x / 2;
        out[u0 + k] = clamp(128 + ((-0.168736 * r - 0.331264 * g + 0.5 * b) * 224) / 255);
        out[v0 + k] = clamp(128 + ((0.5 * r - 0.418688 * g - 0.081312 * b) * 224) / 255);
      }
    }
    let s = '';
    for (let i = 0; i < out.length; i += 0x8000) s += String.fromCharCode(...out.subarray(i, i + 0x8000));
    return btoa(s);
  }, `data:image/jpeg;base64,${jpeg.toString('base64')}`);
  await page.close();
  await writeFile(file, Buffer.from(b64, 'base64'));
}
