// Types of loader.js (hand-written beside it; `tsc --strict` over the examples checks them).
import type {
  Analyzer,
  CameraFacing,
  CheckedAndStandardized,
  ErrorCode,
  Guide,
  InitOutput,
  PipelineStage,
  PresetId,
} from './gradphoto.js';

/** The codes the loader adds to the module's own (`ErrorCode`): where a file or the worker failed. */
export type LoaderErrorCode =
  | 'asset.fetch_failed'
  | 'asset.not_wasm'
  | 'asset.not_model'
  | 'asset.truncated'
  | 'asset.bad_url'
  | 'asset.unknown_file'
  | 'wasm.blocked_by_csp'
  | 'worker.failed'
  | 'worker.terminated'
  | 'worker.not_ready'
  | 'worker.unknown_op'
  | 'analysis.superseded';

/** Every code a loader call may reject with. */
export type GradphotoErrorCode = ErrorCode | LoaderErrorCode;

/** What the loader throws and rejects with: an `Error` with the stable code and both messages. */
export class GradphotoError extends Error {
  constructor(info: { code: GradphotoErrorCode; message_zh?: string; message_en?: string; file?: PackageFile | string; url?: string });
  readonly name: 'GradphotoError';
  readonly code: GradphotoErrorCode;
  readonly message_zh: string;
  readonly message_en: string;
  /** The file that failed to load (`asset.*`, `worker.failed`). */
  readonly file?: PackageFile | string;
  /** Where it was fetched from. */
  readonly url?: string;
}

/** Whether `e` has a typed error's fields (thrown by the loader or by the WASM module). */
export function isGradphotoError(e: unknown): e is { code: GradphotoErrorCode; message_zh: string; message_en: string };

/** Whether this engine runs WebAssembly SIMD (then the SIMD build is used). */
export function simdSupported(): boolean;

export const WASM_FILES: { readonly simd: 'gradphoto_bg.wasm'; readonly scalar: 'gradphoto_scalar_bg.wasm' };

export const MODEL_FILES: {
  readonly detector: 'face_detection_short_range_w16.onnx';
  readonly landmarks: 'face_landmark_w16.onnx';
  readonly segmenter: 'selfie_segmentation_fixed_w16.onnx';
  readonly detectorFullRange: 'face_detection_full_range_w16.onnx';
  readonly iris: 'iris_landmark_w16.onnx';
  readonly expression: 'expression_fer.onnx';
};

/** The files the loader fetches, by name. */
export type PackageFile =
  | (typeof WASM_FILES)[keyof typeof WASM_FILES]
  | (typeof MODEL_FILES)[keyof typeof MODEL_FILES];

/** Each packaged file's size in bytes (exact progress totals whatever the compression). */
export const FILE_SIZES: Readonly<Partial<Record<PackageFile, number>>>;

/** A file given by address (absolute, or relative to the page) or as its bytes. */
export type FileSource = string | URL | ArrayBuffer | ArrayBufferView<ArrayBuffer>;

/**
 * `onProgress(loaded, total, file)`: bytes so far over every file of the call, and the file that
 * moved. `total` is exact for the packaged files, with or without compression, and `loaded`
 * reaches it once, at the end.
 */
export type ProgressCallback = (loaded: number, total: number, file: PackageFile) => void;

/**
 * Where the files are. By default the package's own (a bundler emits them); name a CDN or a
 * copied folder with these. Relative URLs are resolved against the page.
 */
export interface LocationOptions {
  /** The SIMD build, `gradphoto_bg.wasm`. */
  wasmUrl?: string | URL;
  /** The build without SIMD, `gradphoto_scalar_bg.wasm` (older webviews). */
  wasmScalarUrl?: string | URL;
  /** The folder holding the `.onnx` models (a trailing slash is added if missing). */
  modelsUrl?: string | URL;
  /** @deprecated The former name of `modelsUrl`. */
  baseUrl?: string | URL;
  /** Any one file by URL or as bytes (`loadAnalyzer` also takes a `Response`). */
  files?: Partial<Record<PackageFile, FileSource | Response>>;
}

export interface LoadOptions extends LocationOptions {
  onProgress?: ProgressCallback;
  /**
   * `'later'`: start with the detector alone; the live guide frames the face from its keypoints
   * (`mesh: false`) and photos are `model.not_loaded` until `loadMesh` (default `'now'`).
   */
  mesh?: 'now' | 'later';
  /** `'later'`: leave out the full-range detector until `loadFullRange` (default `'now'`). */
  fullRange?: 'now' | 'later';
  /** `'later'`: leave out the iris model until `loadIris` (default `'now'`). */
  iris?: 'now' | 'later';
  /** `'later'`: leave out the expression classifier until `loadExpression` (default `'now'`). */
  expression?: 'now' | 'later';
}

/** Initialise the module with the build this engine runs (SIMD or scalar); once per realm. */
export function initBest(options?: LocationOptions & { onProgress?: ProgressCallback }): Promise<InitOutput>;

/** The Analyzer on the calling thread: module and models in parallel, promise-cached per configuration. */
export function loadAnalyzer(options?: LoadOptions): Promise<Analyzer>;

/** Fetch the face mesh and the person segmentation into an analyzer made with `mesh: 'later'`. */
export function loadMesh(analyzer: Analyzer, options?: LocationOptions & { onProgress?: ProgressCallback }): Promise<void>;

/** Fetch the full-range detector into an analyzer made with `fullRange: 'later'`. */
export function loadFullRange(analyzer: Analyzer, options?: LocationOptions & { onProgress?: ProgressCallback }): Promise<void>;

/** Fetch the iris model into an analyzer made with `iris: 'later'`. */
export function loadIris(analyzer: Analyzer, options?: LocationOptions & { onProgress?: ProgressCallback }): Promise<void>;

/** Fetch the expression classifier into an analyzer made with `expression: 'later'`. */
export function loadExpression(analyzer: Analyzer, options?: LocationOptions & { onProgress?: ProgressCallback }): Promise<void>;

/** Pixels a worker call takes (handed over: the caller's buffer is emptied). */
export type Pixels = Uint8Array<ArrayBuffer> | Uint8ClampedArray<ArrayBuffer>;

/** The stages a photo goes through in the worker, as `onStage` hears them. */
export type WorkerStage = 'decode' | PipelineStage;

export interface WorkerOptions extends LocationOptions {
  onProgress?: ProgressCallback;
  /** Where `worker.js` is (another origin works: it is started through a same-origin blob). */
  workerUrl?: string | URL;
  /** Check a small portrait once after loading so the first real photo is fast (default true). */
  warmUp?: boolean;
}

/** The analyzer in a module Web Worker; every call is a promise and rejects with a GradphotoError. */
export interface WorkerAnalyzer {
  checkAndStandardize(bytes: Uint8Array<ArrayBuffer>, preset: PresetId, background?: string, onStage?: (stage: WorkerStage) => void): Promise<CheckedAndStandardized>;
  /**
   * A picked file (a `File` or `Blob`) decoded upright and shrunk to `width` × `height` in the
   * worker, off the page's thread, for showing it at once.
   */
  preview(file: Blob, width: number, height: number): Promise<ImageBitmap>;
  checkAndStandardizeRgba(rgba: Pixels, width: number, height: number, preset: PresetId, background?: string, facing?: CameraFacing, onStage?: (stage: WorkerStage) => void): Promise<CheckedAndStandardized>;
  /** `null` where workers have no `OffscreenCanvas`. */
  checkAndStandardizeBitmap: ((bitmap: ImageBitmap, preset: PresetId, background?: string, facing?: CameraFacing, onStage?: (stage: WorkerStage) => void) => Promise<CheckedAndStandardized>) | null;
  guide(rgba: Pixels, width: number, height: number, preset: PresetId, facing?: CameraFacing): Promise<Guide>;
  /** `null` where workers have no `OffscreenCanvas`. */
  guideBitmap: ((bitmap: ImageBitmap, preset: PresetId, facing?: CameraFacing) => Promise<Guide>) | null;
  /** Let go of the worker; it ends when every holder of the same configuration has let go. */
  terminate(): void;
}

/** Start (or share) the worker for these options; resolves once the module and models are loaded. */
export function createWorkerAnalyzer(options?: WorkerOptions): Promise<WorkerAnalyzer>;

/** Start the worker and its downloads now; a later `createWorkerAnalyzer` with the same options gets it at once. */
export function preload(options?: WorkerOptions): Promise<void>;
