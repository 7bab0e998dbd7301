// The package as integrators meet it: the examples under examples/ (Vite, webpack, esbuild; strict
// TypeScript), each built by `scripts/examples` from the packed tarball, served as a plain static
// site and driven in Chromium at phone size: the worker starts, a real photo gets its verdict and
// a 480×640 file, and the download progress ends exactly at its total. Then what a deployment can
// get wrong: gzip, the package on a CDN origin, a wrong path answered with HTML or 404. And the
// Node example on the same photo.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serveDir, origin } from './static.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const photo = `${root}tests/data/grace_hopper.jpg`;
let browser;
const servers = [];

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
});
after(async () => { await browser?.close(); for (const s of servers) s.close(); });

async function serve(dir, options) {
  const server = await serveDir(dir, options);
  servers.push(server);
  return origin(server);
}

/** A phone-sized page that records errors and console warnings. */
async function phonePage() {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'warning' || m.type() === 'error') problems.push(`${m.type()}: ${m.text()}`); });
  return { page, problems };
}

/** Open an example's page, pick the photo, and read what it shows. */
async function checkOnExample(url) {
  const { page, problems } = await phonePage();
  await page.goto(url);
  await page.waitForSelector('body[data-ready], body[data-error]', { timeout: 60_000 });
  assert.equal(await page.getAttribute('body', 'data-error'), null, await page.textContent('#status'));
  await page.setInputFiles('#file', photo);
  await page.waitForSelector('body[data-result], body[data-error]', { timeout: 60_000 });
  assert.equal(await page.getAttribute('body', 'data-error'), null, await page.textContent('#status'));
  const result = JSON.parse(await page.getAttribute('body', 'data-result'));
  const shown = await page.$eval('#photo', (img) => img.decode().then(() => [img.naturalWidth, img.naturalHeight]));
  return { page, problems, result, shown, summary: await page.textContent('#summary') };
}

/** What every example must show for Grace Hopper's portrait (her officer cap fails head.covering). */
function assertChecked({ problems, result, shown, summary }) {
  assert.deepEqual(problems, []);
  assert.equal(result.verdict, 'fail');
  assert.match(summary, /需要修改/);
  assert.deepEqual([result.width, result.height], [480, 640]);
  assert.deepEqual(shown, [480, 640]);
  assert.ok(result.bytes >= 20480 && result.bytes <= 40000, `file ${result.bytes} bytes`);
  // One stream over the wasm and three models, ending exactly at its total.
  assert.ok(result.progress[1] > 4_000_000, `total ${result.progress[1]}`);
  assert.equal(result.progress[0], result.progress[1]);
  assert.equal(result.overshoot, false);
}

for (const bundler of ['vite', 'webpack', 'esbuild']) {
  test(`${bundler}: the built example checks a photo in the worker and shows the 480×640 file`, async (t) => {
    const dist = `${root}examples/${bundler}/dist/`;
    if (!existsSync(dist)) return t.skip(`examples/${bundler}/dist is missing: run scripts/examples`);
    const seen = [];
    const checked = await checkOnExample(`${await serve(dist, { log: seen })}/`);
    assertChecked(checked);
    // The bundler emitted the files it was pointed at: the SIMD build, three models, the iris
    // model and the expression classifier with the photo, and no full-range detector (Grace's
    // face is close).
    assert.equal(seen.filter((p) => p.endsWith('.wasm')).length, 1, seen.join(' '));
    assert.equal(seen.filter((p) => p.endsWith('.onnx')).length, 5, seen.join(' '));
    await checked.page.close();
  });
}

test('vite dev server: the example runs unbundled from node_modules with no configuration', async (t) => {
  const dir = `${root}examples/vite/`;
  if (!existsSync(`${dir}node_modules/.bin/vite`)) return t.skip('examples/vite is not installed: run scripts/examples');
  // A free port, then Vite on it (dependencies optimised afresh, as on a first `npm run dev`).
  const probe = await serveDir(dir);
  const port = probe.address().port;
  await new Promise((ok) => probe.close(ok));
  // Colours off: with CI set (as on the CI machine), Vite prints the port in bold, and the
  // address no longer reads as one string. Escapes are stripped too, in case a terminal forces them.
  const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' };
  const dev = spawn(`${dir}node_modules/.bin/vite`, ['--port', String(port), '--strictPort', '--host', '127.0.0.1', '--force'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    let said = '';
    await new Promise((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`vite printed no address in 60 s: ${said}`)), 60_000);
      dev.stdout.on('data', (d) => {
        said += d;
        // eslint-disable-next-line no-control-regex
        if (said.replace(/\x1b\[[0-9;]*m/g, '').includes(`127.0.0.1:${port}`)) { clearTimeout(timer); ok(); }
      });
      dev.on('exit', (code) => { clearTimeout(timer); fail(new Error(`vite exited ${code}: ${said}`)); });
    });
    const checked = await checkOnExample(`http://127.0.0.1:${port}/`);
    // Vite's client logs its connection at debug level; nothing else may be said.
    assertChecked(checked);
    await checked.page.close();
  } finally {
    dev.kill();
  }
});

test('progress ends exactly at its total when the server compresses (Content-Length is the gzipped size)', async (t) => {
  const dist = `${root}examples/vite/dist/`;
  if (!existsSync(dist)) return t.skip('examples/vite/dist is missing: run scripts/examples');
  const checked = await checkOnExample(`${await serve(dist, { gzip: true })}/`);
  assertChecked(checked);
  await checked.page.close();
});

const pkg = `${root}pkg/`;

/** A page on one origin that imports the package from `from` and runs `body` (an async function's text). */
async function pageImporting(from, body) {
  const html = `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><body><script type="module">
    import * as loader from '${from}/loader.js';
    window.loader = loader;
    document.body.dataset.loaded = '';
  </script>`;
  const site = await serve(`${root}tests/data/`, { routes: { '/': (req, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end(html); } } });
  const { page, problems } = await phonePage();
  await page.goto(`${site}/`);
  await page.waitForSelector('body[data-loaded]', { state: 'attached' });
  return { page, problems, run: (arg) => page.evaluate(body, arg) };
}

test('the package served from another origin (a CDN) starts its worker and checks a photo', async () => {
  const cdn = await serve(pkg, { cors: true });
  const { page, problems } = await pageImporting(cdn);
  const bytes = Array.from(await (await import('node:fs/promises')).readFile(photo));
  const out = await page.evaluate(async (jpeg) => {
    const analyzer = await window.loader.createWorkerAnalyzer();
    const r = await analyzer.checkAndStandardize(new Uint8Array(jpeg), 'chsi-graduation');
    analyzer.terminate();
    return { verdict: r.report.verdict, width: r.standardized.width, bytes: r.standardized.jpeg.byteLength };
  }, bytes);
  assert.deepEqual([out.verdict, out.width], ['fail', 480]);
  assert.ok(out.bytes >= 20480 && out.bytes <= 40000);
  assert.deepEqual(problems, []);
  await page.close();
});

/** Start the worker with `options` and return the typed error it rejects with. */
async function startFailure(page, options) {
  return page.evaluate(async (o) => {
    try {
      await window.loader.createWorkerAnalyzer(o);
      return null;
    } catch (e) {
      return { isError: e instanceof Error, name: e.name, code: e.code, file: e.file, en: e.message_en, zh: e.message_zh, stack: typeof e.stack };
    }
  }, options);
}

test('a wrong models path answered with the site\'s index page is a typed error naming the file', async () => {
  const site = await serve(pkg, { spa: true });
  const { page } = await phonePage();
  await page.goto(`${site}/loader.js`);
  await page.evaluate(async () => { window.loader = await import('/loader.js'); });
  const e = await startFailure(page, { modelsUrl: '/no-such-folder', warmUp: false });
  assert.equal(e.code, 'asset.not_model');
  assert.equal(e.isError, true);
  assert.equal(e.name, 'GradphotoError');
  assert.match(e.file, /\.onnx$/);
  assert.match(e.en, /HTML page/);
  assert.match(e.zh, /网页/);
  assert.equal(e.stack, 'string');
  // The same for the wasm.
  const w = await startFailure(page, { wasmUrl: '/nothing.wasm', warmUp: false });
  assert.deepEqual([w.code, w.file], ['asset.not_wasm', 'gradphoto_bg.wasm']);
  await page.close();
});

test('a model cut off mid-download is a typed error naming it', async () => {
  const fs = await import('node:fs/promises');
  const models = ['face_detection_short_range_w16.onnx', 'face_landmark_w16.onnx'];
  const routes = {};
  for (const model of models) {
    const bytes = await fs.readFile(`${pkg}models/${model}`);
    // The headers promise the whole file; half of it comes, then the connection drops.
    routes[`/cut/${model}`] = (req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length });
      res.write(bytes.subarray(0, bytes.length >> 1), () => setTimeout(() => res.socket.destroy(), 50));
    };
  }
  const site = await serve(pkg, { routes });
  const { page } = await phonePage();
  await page.goto(`${site}/loader.js`);
  await page.evaluate(async () => { window.loader = await import('/loader.js'); });
  // The detector: the worker cannot start without it.
  const [detector, mesh] = models;
  const e = await startFailure(page, { files: { [detector]: `/cut/${detector}` }, warmUp: false });
  assert.equal(e.code, 'asset.truncated', JSON.stringify(e));
  assert.equal(e.file, detector);
  assert.match(e.zh, /下载中断/);
  // The face mesh comes after the worker is ready (its guide starts on the detector): the first
  // photo meets the failure, typed and named the same way.
  const jpeg = Array.from(await fs.readFile(photo));
  const m = await page.evaluate(async ({ files, jpeg }) => {
    const analyzer = await window.loader.createWorkerAnalyzer({ files, warmUp: false });
    try {
      await analyzer.checkAndStandardize(new Uint8Array(jpeg), 'chsi-graduation');
      return null;
    } catch (e) {
      return { code: e.code, file: e.file, zh: e.message_zh };
    } finally {
      analyzer.terminate();
    }
  }, { files: { [mesh]: `/cut/${mesh}` }, jpeg });
  assert.equal(m?.code, 'asset.truncated', JSON.stringify(m));
  assert.equal(m.file, mesh);
  assert.match(m.zh, /下载中断/);
  await page.close();
});

test('a missing file (404) and a missing worker are typed errors naming them', async () => {
  const site = await serve(pkg);
  const { page } = await phonePage();
  await page.goto(`${site}/loader.js`);
  await page.evaluate(async () => { window.loader = await import('/loader.js'); });
  const e = await startFailure(page, { modelsUrl: '/no-such-folder/', warmUp: false });
  assert.equal(e.code, 'asset.fetch_failed');
  assert.match(e.en, /HTTP 404/);
  assert.match(e.file, /\.onnx$/);
  const w = await startFailure(page, { workerUrl: '/no-worker.js' });
  assert.equal(w.code, 'worker.failed');
  assert.match(w.en, /no-worker\.js/);
  await page.close();
});

test('two createWorkerAnalyzer calls with the same options (React StrictMode) share one worker and one download', async () => {
  const seen = [];
  const site = await serve(pkg, { log: seen });
  const { page } = await phonePage();
  await page.goto(`${site}/loader.js`);
  const workers = await page.evaluate(async () => {
    const loader = await import('/loader.js');
    // Mount, unmount, mount again at once: the second takes the first's worker back.
    const first = loader.createWorkerAnalyzer({ warmUp: false });
    const second = loader.createWorkerAnalyzer({ warmUp: false });
    const [a, b] = await Promise.all([first, second]);
    a.terminate();
    const again = await loader.createWorkerAnalyzer({ warmUp: false });
    const out = await again.guide(new Uint8Array(64 * 48 * 4), 64, 48, 'chsi-graduation');
    b.terminate();
    again.terminate();
    return out.status;
  });
  assert.equal(workers, 'no_face');
  assert.equal(seen.filter((p) => p === '/worker.js').length, 1, seen.join(' '));
  assert.equal(seen.filter((p) => p.endsWith('.wasm')).length, 1, seen.join(' '));
  assert.equal(seen.filter((p) => p.endsWith('.onnx')).length, 3, seen.join(' '));
  await page.close();
});

test('the Node example checks the same photo and writes the file', async (t) => {
  const dir = `${root}examples/node/`;
  if (!existsSync(`${dir}node_modules/gradphoto`)) return t.skip('examples/node is not installed: run scripts/examples');
  const out = `${root}target/examples-node-out.jpg`;
  const { stdout } = await promisify(execFile)('node', ['check.mjs', photo, out], { cwd: dir });
  const result = JSON.parse(stdout);
  assert.equal(result.verdict, 'fail');
  assert.deepEqual(result.failing, ['head.covering']);
  assert.deepEqual([result.file.width, result.file.height], [480, 640]);
  assert.ok(result.file.bytes >= 20480 && result.file.bytes <= 40000);
  const written = await (await import('node:fs/promises')).readFile(out);
  assert.equal(written.length, result.file.bytes);
  assert.deepEqual([...written.subarray(0, 2)], [0xff, 0xd8]);
});

test('under a strict Content-Security-Policy the package runs with \'wasm-unsafe-eval\' and says so without it', async () => {
  const strict = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; img-src 'self' blob:";
  const bytes = Array.from(await (await import('node:fs/promises')).readFile(photo));
  const run = async (csp) => {
    const site = await serve(pkg, { headers: { 'content-security-policy': csp } });
    const { page } = await phonePage();
    await page.goto(`${site}/loader.js`);
    const out = await page.evaluate(async (jpeg) => {
      const loader = await import('/loader.js');
      try {
        const analyzer = await loader.createWorkerAnalyzer({ warmUp: false });
        const r = await analyzer.checkAndStandardize(new Uint8Array(jpeg), 'chsi-graduation');
        analyzer.terminate();
        return { width: r.standardized.width };
      } catch (e) {
        return { code: e.code, en: e.message_en };
      }
    }, bytes);
    await page.close();
    return out;
  };
  assert.deepEqual(await run(strict), { width: 480 });
  const blocked = await run(strict.replace(" 'wasm-unsafe-eval'", ''));
  assert.equal(blocked.code, 'wasm.blocked_by_csp', JSON.stringify(blocked));
  assert.match(blocked.en, /'wasm-unsafe-eval' \(not 'unsafe-eval'\)/);
});
