// worker.js is the module a Web Worker runs (started by `createWorkerAnalyzer` in loader.js); it
// exports nothing. Declared so that a strict TypeScript project may reference or import its URL.
export {};
