// Small screenshots for docs/: a browser screenshot (8-bit RGB or RGBA PNG) re-encoded as a
// 256-colour indexed PNG (median-cut palette, no dithering). UI colours stay exact-looking and
// photos lose a little smoothness; the file shrinks about threefold. No dependencies.
import { crc32, deflateSync, inflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Decode a non-interlaced 8-bit truecolour PNG to `{ width, height, rgb }` (3 bytes a pixel). */
export function decodePng(png) {
  if (!png.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG');
  let at = 8; let width = 0; let height = 0; let channels = 0;
  const idat = [];
  while (at < png.length) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0); height = data.readUInt32BE(4);
      const [depth, colour, , , interlace] = data.subarray(8, 13);
      channels = { 2: 3, 6: 4 }[colour];
      if (depth !== 8 || !channels || interlace) throw new Error(`unsupported PNG (depth ${depth}, colour ${colour}, interlace ${interlace})`);
    } else if (type === 'IDAT') {
      idat.push(data);
    }
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? out[y * stride + x - channels] : 0;
      const b = y > 0 ? out[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? out[(y - 1) * stride + x - channels] : 0;
      let v = line[x];
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c; const pa = Math.abs(p - a); const pb = Math.abs(p - b); const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      out[y * stride + x] = v & 0xff;
    }
  }
  const rgb = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) out.copy(rgb, i * 3, i * channels, i * channels + 3);
  return { width, height, rgb };
}

/** A palette of at most `size` colours by median cut over a 5-bit-per-channel histogram. */
function medianCut(rgb, size) {
  const count = new Uint32Array(32768);
  for (let i = 0; i < rgb.length; i += 3) count[((rgb[i] >> 3) << 10) | ((rgb[i + 1] >> 3) << 5) | (rgb[i + 2] >> 3)] += 1;
  const bins = [];
  for (let k = 0; k < count.length; k++) if (count[k]) bins.push(k);
  const channel = (k, c) => (k >> (10 - 5 * c)) & 31;
  let boxes = [bins];
  while (boxes.length < size) {
    // Split the box with the widest channel range (weighted by pixel count) at its median.
    let best = -1; let bestScore = 0; let bestChannel = 0;
    boxes.forEach((box, i) => {
      if (box.length < 2) return;
      let pixels = 0;
      for (const k of box) pixels += count[k];
      for (let c = 0; c < 3; c++) {
        let lo = 31; let hi = 0;
        for (const k of box) { const v = channel(k, c); if (v < lo) lo = v; if (v > hi) hi = v; }
        const score = (hi - lo) * Math.sqrt(pixels);
        if (score > bestScore) { bestScore = score; best = i; bestChannel = c; }
      }
    });
    if (best < 0) break;
    const box = boxes[best].sort((p, q) => channel(p, bestChannel) - channel(q, bestChannel));
    let total = 0;
    for (const k of box) total += count[k];
    let half = 0; let cut = 1;
    for (; cut < box.length - 1; cut++) { half += count[box[cut - 1]]; if (half * 2 >= total) break; }
    boxes.splice(best, 1, box.slice(0, cut), box.slice(cut));
  }
  // Each box's colour: the pixel-weighted mean of the exact colours that fall in it.
  const sums = new Float64Array(32768 * 4);
  for (let i = 0; i < rgb.length; i += 3) {
    const k = ((rgb[i] >> 3) << 10) | ((rgb[i + 1] >> 3) << 5) | (rgb[i + 2] >> 3);
    sums[4 * k] += rgb[i]; sums[4 * k + 1] += rgb[i + 1]; sums[4 * k + 2] += rgb[i + 2]; sums[4 * k + 3] += 1;
  }
  const palette = [];
  const index = new Uint8Array(32768);
  boxes.forEach((box, i) => {
    let r = 0; let g = 0; let b = 0; let n = 0;
    for (const k of box) { r += sums[4 * k]; g += sums[4 * k + 1]; b += sums[4 * k + 2]; n += sums[4 * k + 3]; index[k] = i; }
    palette.push([Math.round(r / n), Math.round(g / n), Math.round(b / n)]);
  });
  return { palette, index };
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** Re-encode a truecolour PNG as an indexed PNG of at most 256 colours. */
export function quantizePng(png, colours = 256) {
  const { width, height, rgb } = decodePng(png);
  const { palette, index } = medianCut(rgb, colours);
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width + 1)] = 0;
    for (let x = 0; x < width; x++) {
      const i = 3 * (y * width + x);
      raw[y * (width + 1) + 1 + x] = index[((rgb[i] >> 3) << 10) | ((rgb[i + 1] >> 3) << 5) | (rgb[i + 2] >> 3)];
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0); ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; ihdr[9] = 3; // 8-bit indices, palette colour
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('PLTE', Buffer.from(palette.flat())),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
