// graphite-web's dashboard endpoints (save/load/find/delete) over SQLite. The table has graphite-web's
// name and columns (dashboard_dashboard: name primary key, state JSON text), so a dashboard table copied
// from a graphite-web database is readable as is.
import Database from 'better-sqlite3';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { defaultDashboards } from './default-dashboards.js';

const MAX_NAME_LENGTH = 128;

export interface DashboardStore {
  save(name: string, state: unknown): void;
  load(name: string): unknown | undefined;
  find(query: string): string[];
  delete(name: string): boolean;
  close(): void;
}

export function openDashboardStore(dbPath: string): DashboardStore {
  const db = new Database(dbPath);
  db.pragma('busy_timeout = 5000');
  if (dbPath !== ':memory:') db.pragma('journal_mode = WAL');
  db.exec(
    'CREATE TABLE IF NOT EXISTS dashboard_dashboard (name VARCHAR(128) NOT NULL PRIMARY KEY, state TEXT NOT NULL)',
  );
  const upsert = db.prepare(
    'INSERT INTO dashboard_dashboard (name, state) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET state = excluded.state',
  );
  const insertIfMissing = db.prepare('INSERT OR IGNORE INTO dashboard_dashboard (name, state) VALUES (?, ?)');
  const select = db.prepare<[string], { state: string }>(
    'SELECT state FROM dashboard_dashboard WHERE name = ?',
  );
  const names = db.prepare<[], { name: string }>('SELECT name FROM dashboard_dashboard ORDER BY name');
  const remove = db.prepare('DELETE FROM dashboard_dashboard WHERE name = ?');

  // Shipped dashboards are created once; a user who edits or deletes one keeps their choice... until the
  // next start re-creates a deleted one, which is what a "default" means here.
  for (const d of defaultDashboards()) insertIfMissing.run(d.name, JSON.stringify(d.state));

  return {
    save(name, state) {
      upsert.run(name, JSON.stringify(state));
    },
    load(name) {
      const row = select.get(name);
      if (!row) return undefined;
      try {
        return JSON.parse(row.state);
      } catch {
        return undefined;
      }
    },
    find(query) {
      // graphite-web: every whitespace-separated term must be a case-insensitive substring of the name;
      // names starting with "temporary-" are hidden.
      const terms = [...new Set(query.toLowerCase().split(/\s+/).filter(Boolean))];
      return names
        .all()
        .map((r) => r.name)
        .filter((n) => {
          const lower = n.toLowerCase();
          return !lower.startsWith('temporary-') && terms.every((t) => lower.includes(t));
        });
    },
    delete(name) {
      return remove.run(name).changes > 0;
    },
    close() {
      db.close();
    },
  };
}

function param(req: FastifyRequest, key: string): string | undefined {
  // graphite-web merges GET and POST parameters (POST wins).
  const body = req.body as Record<string, unknown> | undefined;
  const query = req.query as Record<string, unknown> | undefined;
  const pick = (v: unknown) => (Array.isArray(v) ? v[v.length - 1] : v);
  const fromBody = body && typeof body === 'object' ? pick(body[key]) : undefined;
  const value = fromBody ?? (query ? pick(query[key]) : undefined);
  return typeof value === 'string' ? value : undefined;
}

function validName(name: string): boolean {
  return name.length > 0 && name.length <= MAX_NAME_LENGTH && !name.includes('/');
}

export function registerDashboardRoutes(app: FastifyInstance, store: DashboardStore): void {
  const nameOf = (req: FastifyRequest) => (req.params as { name: string }).name;
  const invalidName = (reply: FastifyReply, name: string) =>
    reply.code(400).send({ error: `Invalid dashboard name '${name}'` });

  app.route({
    method: ['GET', 'POST'],
    url: '/dashboard/save/:name',
    handler: async (req, reply) => {
      const name = nameOf(req);
      if (!validName(name)) return invalidName(reply, name);
      const raw = param(req, 'state');
      if (raw === undefined) return reply.code(400).send({ error: "Missing parameter 'state'" });
      let state: unknown;
      try {
        state = JSON.parse(raw);
      } catch (err) {
        return reply.code(400).send({ error: `Invalid JSON in 'state': ${(err as Error).message}` });
      }
      store.save(name, state);
      return { success: true };
    },
  });

  app.route({
    method: ['GET', 'POST'],
    url: '/dashboard/load/:name',
    handler: async (req) => {
      const name = nameOf(req);
      const state = store.load(name);
      // graphite-web answers a missing dashboard with HTTP 200 and an error object; clients rely on it.
      if (state === undefined) return { error: `Dashboard '${name}' does not exist. ` };
      return { state };
    },
  });

  app.route({
    method: ['GET', 'POST'],
    url: '/dashboard/delete/:name',
    handler: async (req) => {
      const name = nameOf(req);
      if (!store.delete(name)) return { error: `Dashboard '${name}' does not exist. ` };
      return { success: true };
    },
  });

  app.route({
    method: ['GET', 'POST'],
    url: '/dashboard/find',
    handler: async (req) => ({ dashboards: store.find(param(req, 'query') ?? '').map((name) => ({ name })) }),
  });
  app.route({
    method: ['GET', 'POST'],
    url: '/dashboard/find/',
    handler: async (req) => ({ dashboards: store.find(param(req, 'query') ?? '').map((name) => ({ name })) }),
  });
}
