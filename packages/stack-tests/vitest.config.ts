import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.ts';

const shim = (file: string) => fileURLToPath(new URL(`./test/k6-shim/${file}`, import.meta.url));

export default defineProject({
  // The k6 scripts import `k6` and `k6/http`; in tests those resolve to the shim (test/k6-shim).
  resolve: {
    alias: [
      { find: /^k6\/http$/, replacement: shim('http.ts') },
      { find: /^k6$/, replacement: shim('k6.ts') },
    ],
  },
  // The end-to-end files are slow; run them one at a time on the shared 2 cores.
  test: { ...sharedTestConfig, fileParallelism: false, testTimeout: 120_000, hookTimeout: 180_000 },
});
