// The page's code as tsc wrote it (build/); webpack 5 emits the package's worker, wasm and models
// from their `new URL('./file', import.meta.url)` with no loader or rule.
import { fileURLToPath } from 'node:url';

export default {
  mode: 'production',
  entry: './build/main.js',
  output: {
    path: fileURLToPath(new URL('./dist/', import.meta.url)),
    filename: 'main.js',
    module: true,
    clean: true,
  },
  experiments: { outputModule: true },
  // The wasm and models are large on purpose (4.7 MB, 0.2–1.3 MB): they load in the worker.
  performance: { hints: false },
};
