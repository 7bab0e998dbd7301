// A typed use of the npm package, checked by `tsc -p tests/types` (strict) in scripts/test after
// the release build: every export is called and a field of every result read, so a type that
// drifts from the Rust structs (or goes back to `any`) breaks the build. Never run.
import init, {
  Analyzer,
  Flow,
  benchStages,
  decodeQr,
  decodeQrRgba,
  encode,
  encodeRgba,
  info,
  loadPreset,
  maskCode,
  normaliseSchoolName,
  presets,
  stageLabels,
  validateLast4,
  version,
  type Analysis,
  type CameraFacing,
  type CheckedAndStandardized,
  type ErrorInfo,
  type GradphotoErrorInfo,
  type Event,
  type PhotoJob,
  type PipelineStage,
  type Report,
  type RuleResult,
  type StandardizedPhoto,
} from '../../pkg/gradphoto.js';
import {
  FILE_SIZES,
  GradphotoError,
  createWorkerAnalyzer,
  initBest,
  isGradphotoError,
  loadAnalyzer,
  loadFullRange,
  loadExpression,
  loadIris,
  preload,
  simdSupported,
  type GradphotoErrorCode,
} from '../../pkg/loader.js';
import { loadAnalyzer as loadInNode } from '../../pkg/node.js';

declare const bytes: Uint8Array<ArrayBuffer>;
declare const rgba: Uint8Array<ArrayBuffer>;
declare const frame: ImageData;

function rule(report: Report, id: string): RuleResult | undefined {
  return report.rules.find((r) => r.id === id);
}

function describe(result: CheckedAndStandardized): string {
  const failing: string[] = result.summary.failing ?? [];
  const photo: StandardizedPhoto | null = result.standardized;
  const error: ErrorInfo | null = result.standardizeError;
  const range = rule(result.report, 'geometry.crown')?.allowed;
  return [
    result.report.verdict,
    failing.join(','),
    photo ? `${photo.width}×${photo.height} ${photo.jpeg?.byteLength ?? 0} B ${photo.report.file?.quality}` : error?.code,
    `${range?.min ?? '-'}…${range?.max ?? '-'}`,
  ].join(' ');
}

export async function main(): Promise<void> {
  await init();
  await initBest();
  const simd: boolean = simdSupported();
  const v: string = version();
  const ids: string[] = presets().map((p) => p.id);
  const chsi = loadPreset('chsi-graduation');
  const width: number = chsi.output.width;
  const photoInfo = info(bytes);
  const camera: CameraFacing | null = photoInfo.camera;
  const file = encode(bytes, chsi.id);
  const fromPixels = encodeRgba(rgba, 640, 480, chsi.id);
  const code: string = decodeQr(bytes) + decodeQrRgba(rgba, 640, 480);
  const masked: string = maskCode(code);
  const school: string = normaliseSchoolName('北京大学');
  const last4: string = validateLast4('123X');
  const stages = stageLabels().map((s) => `${s.stage}:${s.zh}`);

  const analyzer: Analyzer = await loadAnalyzer({ onProgress: (loaded, total) => void (loaded / total) });
  const later: Analyzer = await loadAnalyzer({ fullRange: 'later' });
  if (!later.hasFullRange()) await loadFullRange(later, { onProgress: (loaded, total) => void (loaded / total) });
  const noLids: Analyzer = await loadAnalyzer({ iris: 'later' });
  if (!noLids.hasIris()) await loadIris(noLids, { onProgress: (loaded, total) => void (loaded / total) });
  if (!noLids.hasExpression()) await loadExpression(noLids, { modelsUrl: '/models/' });
  const lids: number | null | undefined = noLids.analyze(bytes).faces[0]?.geometry.eyelid_gap;
  const analysis: Analysis = analyzer.analyze(bytes);
  const live: Analysis = analyzer.analyzeRgba(rgba, 640, 480, true);
  const eyeLine: number | undefined = analysis.faces[0]?.geometry.eye_line_deg;
  const report: Report = analyzer.check(bytes, chsi.id);
  const confirm: string = report.confirm_zh + report.confirm_en;
  const reportRgba: Report = analyzer.checkRgba(rgba, 640, 480, chsi.id);
  const hint: string = rule(report, 'pose.yaw')?.hint_zh ?? '';
  const standard: StandardizedPhoto = analyzer.standardize(bytes, chsi.id, '#438EDB');
  const preview = analyzer.standardizeRgba(rgba, 640, 480, chsi.id, null, true);
  const both = analyzer.checkAndStandardize(bytes, chsi.id);
  // The same a stage at a time (what the worker runs, yielding between stages).
  const job: PhotoJob = analyzer.startJob(bytes, chsi.id);
  for (let next: PipelineStage = job.next(); next !== 'done'; next = job.step(analyzer)) void next;
  const stepped: CheckedAndStandardized = job.finish();
  job.free();
  const bothRgba = analyzer.checkAndStandardizeRgba(rgba, 640, 480, chsi.id, null, 'environment');
  const guide = analyzer.guide(rgba, 640, 480, chsi.id, 'user');
  const guideText: string = `${guide.status} ${guide.ready} ${guide.hint.zh} ${guide.scale ?? ''}`;
  const overlay = analyzer.overlayRgba(rgba, 640, 480, false);
  new OffscreenCanvas(live.image_width, live.image_height).getContext('2d')?.putImageData(overlay.overlay, 0, 0);
  // The same entry points for an ImageData (a canvas's pixels, a camera frame).
  const drawn: ImageData = analyzer.overlayImageData(frame, true).overlay;
  const fromFrame: Analysis = analyzer.analyzeImageData(frame);
  const frameReport: Report = analyzer.checkImageData(frame, chsi.id);
  const frameStandard: StandardizedPhoto = analyzer.standardizeImageData(frame, chsi.id, null, true);
  const frameBoth: CheckedAndStandardized = analyzer.checkAndStandardizeImageData(frame, chsi.id, undefined, 'user');
  const frameGuide = analyzer.guideImageData(frame, chsi.id, 'environment');
  const timings = benchStages(bytes, bytes, bytes, bytes, null, null, null, 3);
  const analyseMs: number = timings.analyze_ms;

  const worker = await createWorkerAnalyzer();
  const stagesSeen: string[] = [];
  const checked: CheckedAndStandardized = await worker.checkAndStandardize(bytes, chsi.id, undefined, (s) => stagesSeen.push(s));
  const framed: CheckedAndStandardized = await worker.checkAndStandardizeRgba(rgba, 640, 480, chsi.id, undefined, 'user');
  const workerGuide: string = (await worker.guide(rgba, 640, 480, chsi.id)).hint.en;
  const bitmap = await createImageBitmap(frame);
  const captured = await worker.checkAndStandardizeBitmap?.(await createImageBitmap(frame), chsi.id, undefined, 'environment');
  const bitmapGuide: boolean | undefined = (await worker.guideBitmap?.(bitmap, chsi.id, 'user'))?.ready;
  worker.terminate();

  const flow = new Flow('chsi-graduation');
  const event: Event = { type: 'signed_in', session: 's' };
  const state = flow.apply(event);
  const stage: string = state.stage;
  const canPay: boolean = flow.allowed().can_pay;
  const resumed: Flow = Flow.resume(flow.save());
  const photoKey: string | null | undefined = resumed.state().photo;
  try {
    flow.apply({ type: 'standardised', photo: 'p', check: { verdict: 'fail', failing: ['geometry.crown'] } });
  } catch (e) {
    const thrown = e as GradphotoErrorInfo;
    void [thrown.message_zh, thrown.stack];
    if (isGradphotoError(e)) {
      // The union lets a switch name every case; a misspelt code does not compile.
      const code: GradphotoErrorCode = e.code;
      if (code === 'flow.locked' || code === 'asset.not_wasm') void code;
    }
  }
  // The loader's options and errors.
  await preload({ modelsUrl: '/static/models', wasmUrl: new URL('https://cdn.example/gradphoto_bg.wasm'), warmUp: false });
  const elsewhere = await createWorkerAnalyzer({
    workerUrl: 'https://cdn.example/gradphoto/worker.js',
    files: { 'iris_landmark_w16.onnx': bytes },
    onProgress: (loaded: number, total: number, name) => void [loaded / total, name.endsWith('.onnx')],
  });
  elsewhere.terminate();
  const wasmBytes: number | undefined = FILE_SIZES['gradphoto_bg.wasm'];
  const failed = new GradphotoError({ code: 'asset.truncated', message_en: 'cut', file: 'face_landmark_w16.onnx' });
  const isError: Error = failed;
  const inNode: Analyzer = await loadInNode({ dir: '/srv/gradphoto' });
  const blob = new Blob([checked.standardized?.jpeg ?? new Uint8Array(0)], { type: 'image/jpeg' });

  void [simd, v, ids, width, camera, file.jpeg, file.quality, fromPixels.size_bytes, masked, school, last4, stages,
    eyeLine, reportRgba.verdict, hint, standard.transform.crop, preview.rgba, describe(both), bothRgba.summary.verdict,
    guideText, drawn, fromFrame.faces.length, frameReport.summary_en, frameStandard.height,
    frameBoth.report.preset, frameGuide.oval, analyseMs, checked.report.faces, framed.standardized?.summary.verdict, workerGuide, bitmapGuide, stagesSeen, stepped.summary.verdict, captured?.report.verdict, stage,
    canPay, photoKey, lids, confirm, wasmBytes, isError.stack, inNode, blob.size];
}
