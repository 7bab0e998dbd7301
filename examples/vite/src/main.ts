// Check and standardise a picked photo in the package's worker. Nothing to configure: Vite sees
// the package's `new URL('./file', import.meta.url)` and `new Worker(new URL(...))` and emits the
// wasm, the models and the worker itself.
import { createWorkerAnalyzer, isGradphotoError } from 'gradphoto/loader.js';
import type { CheckedAndStandardized } from 'gradphoto';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const status = $<HTMLParagraphElement>('status');
const progress: Array<[number, number]> = [];

const analyzer = createWorkerAnalyzer({
  onProgress: (loaded, total, file) => {
    progress.push([loaded, total]);
    status.textContent = `下载 ${Math.round((100 * loaded) / total)}%（${file}）`;
  },
});
analyzer.then(() => { status.textContent = '请选择照片'; document.body.dataset.ready = ''; }, showError);

function showError(e: unknown): void {
  status.textContent = isGradphotoError(e) ? `${e.message_zh}（${e.code}）` : String(e);
  document.body.dataset.error = isGradphotoError(e) ? e.code : 'unknown';
}

function show(result: CheckedAndStandardized): void {
  const jpeg = result.standardized?.jpeg;
  $<HTMLParagraphElement>('summary').textContent = result.report.summary_zh;
  if (jpeg) {
    const img = $<HTMLImageElement>('photo');
    img.src = URL.createObjectURL(new Blob([jpeg], { type: 'image/jpeg' }));
    img.hidden = false;
  }
  document.body.dataset.result = JSON.stringify({
    verdict: result.report.verdict,
    bytes: jpeg?.byteLength ?? 0,
    width: result.standardized?.width,
    height: result.standardized?.height,
    progress: progress.at(-1),
    overshoot: progress.some(([loaded, total]) => loaded > total),
  });
}

$<HTMLInputElement>('file').addEventListener('change', async (event) => {
  const file = (event.target as HTMLInputElement).files?.[0];
  if (!file) return;
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    show(await (await analyzer).checkAndStandardize(bytes, 'chsi-graduation'));
  } catch (e) {
    showError(e);
  }
});
