// Shared test helpers: a bare fastify app with the UI plugin and a hand-driven point feed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerUi } from '../src/server.js';

export type Listener = (metric: string, points: Array<[number, number]>) => void;

export interface Harness {
  app: FastifyInstance;
  url: string;
  dir: string;
  emit: Listener;
  listeners: Set<Listener>;
  close(): Promise<void>;
}

export async function startHarness(opts: { dir?: string; publicDir?: string } = {}): Promise<Harness> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'web-ui-'));
  const listeners = new Set<Listener>();
  const app = Fastify();
  await registerUi(app, {
    dbPath: join(dir, 'graphite.db'),
    publicDir: opts.publicDir,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    app,
    url,
    dir,
    listeners,
    emit: (metric, points) => {
      for (const l of listeners) l(metric, points);
    },
    close: async () => {
      await app.close();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
