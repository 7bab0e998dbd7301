// Types of node.js: the analyzer in Node, files read from the package folder.
import type { Analyzer, InitOutput } from './gradphoto.js';
import type { ProgressCallback } from './loader.js';

/** Start the module once per process from a path, a `file:` URL or bytes (default: the package's). */
export function initNode(wasm?: string | URL | Uint8Array<ArrayBuffer>): Promise<InitOutput>;

/** The Analyzer with every model, read from `dir/models/` (default: the package's folder). */
export function loadAnalyzer(options?: { dir?: string | URL; wasm?: string | URL | Uint8Array<ArrayBuffer>; onProgress?: ProgressCallback }): Promise<Analyzer>;
