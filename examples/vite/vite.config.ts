import { defineConfig } from 'vite';

export default defineConfig({
  // `vite dev` pre-bundles dependencies into node_modules/.vite, away from the files the
  // package's `new URL('./file', import.meta.url)` point to; served as they are, they resolve.
  optimizeDeps: { exclude: ['gradphoto'] },
});
