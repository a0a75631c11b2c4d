// Serves the built frontend (dist/public) from memory: the bundle is small, so reading it once at start
// avoids a file system hit per request and any path traversal question.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
  immutable: boolean;
}

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) walk(full, out);
    else out.push(full);
  }
  return out;
}

export function loadAssets(publicDir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  if (!existsSync(publicDir)) return assets;
  for (const file of walk(publicDir)) {
    const rel = relative(publicDir, file).split(sep).join('/');
    const body = readFileSync(file);
    assets.set(rel, {
      body,
      type: TYPES[extname(file)] ?? 'application/octet-stream',
      etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 20)}"`,
      // vite puts content hashes in names under assets/, so those can be cached forever.
      immutable: rel.startsWith('assets/'),
    });
  }
  return assets;
}

export function registerStaticRoutes(app: FastifyInstance, assets: Map<string, Asset>): void {
  const send = (req: FastifyRequest, reply: FastifyReply, asset: Asset | undefined) => {
    if (!asset) return reply.code(404).type('text/plain').send('Not found');
    reply
      .header('etag', asset.etag)
      .header('cache-control', asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      .header('x-content-type-options', 'nosniff');
    if (req.headers['if-none-match'] === asset.etag) return reply.code(304).send();
    return reply.type(asset.type).send(asset.body);
  };
  const index = () => {
    const asset = assets.get('index.html');
    if (asset) return asset;
    const body = Buffer.from(
      '<!doctype html><title>Graphite UI</title><p>The web UI assets are not built: run <code>pnpm build</code>.</p>',
    );
    return { body, type: TYPES['.html'], etag: '"missing"', immutable: false };
  };
  app.get('/', (req, reply) => send(req, reply, index()));
  app.get('/ui', (req, reply) => send(req, reply, index()));
  app.get('/ui/', (req, reply) => send(req, reply, index()));
  // graphite-web serves its dashboard page at /dashboard and /dashboard/<name>; ours is the same app.
  app.get('/dashboard', (req, reply) => send(req, reply, index()));
  app.get('/dashboard/', (req, reply) => send(req, reply, index()));
  app.get('/dashboard/:name', (req, reply) => send(req, reply, index()));
  app.get('/ui/*', (req, reply) => {
    const path = (req.params as { '*': string })['*'];
    send(req, reply, assets.get(path));
  });
}
