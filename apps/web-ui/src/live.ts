// Live updates: browsers subscribe to graphite path globs over a WebSocket and receive the points the
// cache accepts for matching metrics, batched per tick so a busy carbon does not mean a message per point.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { type WebSocket, WebSocketServer } from 'ws';
import { compileGlob } from './glob.js';

export const LIVE_PATH = '/ui/live';
const MAX_PATTERNS = 256;
const MAX_PAYLOAD = 64 * 1024;
const FLUSH_MS = 100;
const HEARTBEAT_MS = 30_000;
// A client that cannot keep up loses batches instead of growing server memory.
const MAX_BUFFERED = 4 * 1024 * 1024;
const MATCH_CACHE_LIMIT = 10_000;

export type Subscribe = (listener: (metric: string, points: Array<[number, number]>) => void) => () => void;

interface Client {
  socket: WebSocket;
  patterns: RegExp[];
  matchCache: Map<string, boolean>;
  pending: Map<string, Array<[number, number]>>;
  alive: boolean;
}

/** Client messages: {"type":"subscribe","patterns":[...]} replaces the client's subscription set. */
function parsePatterns(data: unknown): RegExp[] | null {
  let msg: unknown;
  try {
    msg = JSON.parse(String(data));
  } catch {
    return null;
  }
  if (!msg || typeof msg !== 'object') return null;
  const { type, patterns } = msg as { type?: unknown; patterns?: unknown };
  if (type !== 'subscribe' || !Array.isArray(patterns)) return null;
  const out: RegExp[] = [];
  for (const p of patterns.slice(0, MAX_PATTERNS)) {
    const re = typeof p === 'string' ? compileGlob(p) : null;
    if (re) out.push(re);
  }
  return out;
}

function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return true; // non-browser clients
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

export function registerLive(app: FastifyInstance, subscribe: Subscribe): void {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD });
  const clients = new Set<Client>();
  let unsubscribe: (() => void) | undefined;

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== LIVE_PATH) {
      // Leave other paths to other upgrade listeners; with none, refuse instead of hanging the socket.
      if (app.server.listenerCount('upgrade') <= 1) socket.destroy();
      return;
    }
    if (!sameOrigin(req)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  app.server.on('upgrade', onUpgrade);

  wss.on('connection', (socket: WebSocket) => {
    const client: Client = { socket, patterns: [], matchCache: new Map(), pending: new Map(), alive: true };
    clients.add(client);
    // listen to the cache only while someone watches: with no listener the cache stores
    // received points without grouping them per metric
    unsubscribe ??= subscribe(onPoints);
    socket.on('pong', () => {
      client.alive = true;
    });
    socket.on('message', (data) => {
      const patterns = parsePatterns(data);
      if (!patterns) {
        socket.send(
          JSON.stringify({ type: 'error', error: 'expected {"type":"subscribe","patterns":[...]}' }),
        );
        return;
      }
      client.patterns = patterns;
      client.matchCache.clear();
      client.pending.clear();
    });
    socket.on('error', () => socket.terminate());
    socket.on('close', () => {
      clients.delete(client);
      if (clients.size === 0) {
        unsubscribe?.();
        unsubscribe = undefined;
      }
    });
    socket.send(JSON.stringify({ type: 'hello', flushMs: FLUSH_MS }));
  });

  const matches = (client: Client, metric: string): boolean => {
    let hit = client.matchCache.get(metric);
    if (hit === undefined) {
      hit = client.patterns.some((re) => re.test(metric));
      if (client.matchCache.size >= MATCH_CACHE_LIMIT) client.matchCache.clear();
      client.matchCache.set(metric, hit);
    }
    return hit;
  };

  const onPoints = (metric: string, points: Array<[number, number]>) => {
    if (typeof metric !== 'string' || !Array.isArray(points)) return;
    for (const client of clients) {
      if (client.patterns.length === 0 || !matches(client, metric)) continue;
      const list = client.pending.get(metric);
      if (list) list.push(...points);
      else client.pending.set(metric, points.slice());
    }
  };

  const flush = setInterval(() => {
    for (const client of clients) {
      if (client.pending.size === 0) continue;
      const series = [...client.pending].map(([metric, points]) => ({ metric, points }));
      client.pending.clear();
      if (client.socket.readyState !== client.socket.OPEN || client.socket.bufferedAmount > MAX_BUFFERED)
        continue;
      client.socket.send(JSON.stringify({ type: 'points', series }));
    }
  }, FLUSH_MS);
  flush.unref();

  const heartbeat = setInterval(() => {
    for (const client of clients) {
      if (!client.alive) {
        client.socket.terminate();
        continue;
      }
      client.alive = false;
      client.socket.ping();
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  // preClose runs before the HTTP server stops, so open sockets do not keep close() waiting.
  app.addHook('preClose', async () => {
    clearInterval(flush);
    clearInterval(heartbeat);
    unsubscribe?.();
    unsubscribe = undefined;
    app.server.off('upgrade', onUpgrade);
    for (const client of clients) client.socket.terminate();
    clients.clear();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  });
}
