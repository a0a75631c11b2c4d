// The web UI as a plugin for the graphite app's fastify instance: static assets, graphite-web's
// dashboard endpoints (SQLite) and the live-update WebSocket.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { openDashboardStore, registerDashboardRoutes } from './dashboards.js';
import { LIVE_PATH, registerLive, type Subscribe } from './live.js';
import { loadAssets, registerStaticRoutes } from './static-assets.js';

export { LIVE_PATH } from './live.js';

export interface UiOptions {
  /** SQLite file for dashboards (the graphite app's GRAPHITE_DB); ':memory:' works for tests. */
  dbPath: string;
  /**
   * Registers a listener for points accepted by the cache, as (metric, [[timestamp s, value], ...]);
   * returns the unsubscribe function.
   */
  subscribe: Subscribe;
  /** Directory of the built frontend; defaults to this package's dist/public. */
  publicDir?: string;
}

// Resolved from the package root so it works from dist/ (production) and src/ (tests).
export const DEFAULT_PUBLIC_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'public');

export async function registerUi(app: FastifyInstance, opts: UiOptions): Promise<void> {
  const store = openDashboardStore(opts.dbPath);
  const assets = loadAssets(opts.publicDir ?? DEFAULT_PUBLIC_DIR);
  await app.register(async (scope) => {
    // graphite-web's dashboard save posts form bodies; add a parser only if the app has none.
    if (!scope.hasContentTypeParser('application/x-www-form-urlencoded')) {
      scope.addContentTypeParser(
        'application/x-www-form-urlencoded',
        { parseAs: 'string', bodyLimit: 4 * 1024 * 1024 },
        (_req, body, done) => {
          done(null, Object.fromEntries(new URLSearchParams(body as string)));
        },
      );
    }
    registerDashboardRoutes(scope, store);
    registerStaticRoutes(scope, assets);
  });
  registerLive(app, opts.subscribe);
  app.addHook('onClose', async () => store.close());
  app.log.debug({ live: LIVE_PATH, assets: assets.size }, 'web UI registered');
}
