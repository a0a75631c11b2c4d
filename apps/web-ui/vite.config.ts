// The frontend is built into dist/public and served by registerUi under /ui/ (index.html also at /).
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'web',
  base: '/ui/',
  build: {
    outDir: '../dist/public',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
  },
});
