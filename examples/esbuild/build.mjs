// Bundle the page with esbuild and copy the package's runtime files beside it: esbuild keeps
// `new URL('./file', import.meta.url)` as written, so the worker, the wasm and the models must be
// served from one folder (here dist/gradphoto/, named by `workerUrl` in src/main.ts).
import { build } from 'esbuild';
import { cp, mkdir, rm } from 'node:fs/promises';

await rm('dist', { recursive: true, force: true });
await build({ entryPoints: ['src/main.ts'], bundle: true, format: 'esm', outfile: 'dist/main.js', logLevel: 'warning' });
await cp('index.html', 'dist/index.html');
await mkdir('dist/gradphoto');
const from = 'node_modules/gradphoto/';
for (const file of ['gradphoto.js', 'loader.js', 'sizes.js', 'worker.js', 'warmup.jpg', 'gradphoto_bg.wasm', 'gradphoto_scalar_bg.wasm']) {
  await cp(from + file, `dist/gradphoto/${file}`);
}
await cp(`${from}models`, 'dist/gradphoto/models', { recursive: true });
