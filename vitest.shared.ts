// Settings every package's vitest project shares. The JSON report lets .ci/run print one total.
export const sharedTestConfig = {
  testTimeout: 30_000,
  hookTimeout: 60_000,
  reporters: ['default', ['json', { outputFile: '.vitest/results.json' }]] as never,
  pool: 'forks' as const,
  passWithNoTests: true,
};
