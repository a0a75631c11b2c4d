// The management TCP interface (Etsy's port 8126) with Etsy's output formats. Ours also
// has `sets` and `delsets`, takes several newline-separated commands per segment and
// reports the carbon queue in `stats`.

import net from 'node:net';
import { inspect } from 'node:util';

export interface AdminContext {
  startupTime: number;
  counters: Map<string, number>;
  timers: Map<string, number[]>;
  gauges: Map<string, number>;
  sets: Map<string, Set<string>>;
  /** Brings the maps up to date before they are shown. */
  sync(): void;
  config: Record<string, unknown>;
  health: { status: 'up' | 'down' };
  /** `messages.*` stats. */
  messages(): Record<string, number>;
  /** Backend stats: `[backend, stat, value]`. */
  backendStats(): [string, string, number][];
}

function plainObject<V>(map: Map<string, V>, f: (v: V) => unknown = (v) => v): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of map)
    Object.defineProperty(out, k, { value: f(v), enumerable: true, writable: true, configurable: true });
  return out;
}

function deleteStats(map: Map<string, unknown>, args: string[]): string {
  let out = '';
  for (const arg of args) {
    const matches: string[] = [];
    if (map.has(arg)) matches.push(arg);
    if (arg.endsWith('.*')) {
      const folder = arg.slice(0, -1);
      for (const name of map.keys()) if (name.startsWith(folder)) matches.push(name);
    }
    if (matches.length === 0) out += `metric ${arg} not found\n`;
    for (const m of matches) {
      map.delete(m);
      out += `deleted: ${m}\n`;
    }
  }
  return out + 'END\n\n';
}

function writeConfig(config: Record<string, unknown>): string {
  let out = '\n';
  for (const [prop, value] of Object.entries(config)) {
    if (value === null || typeof value !== 'object') {
      out += `${prop}: ${String(value)}\n`;
      continue;
    }
    for (const [sub, subValue] of Object.entries(value)) out += `${prop} > ${sub}: ${String(subValue)}\n`;
  }
  return out;
}

export function runAdminCommand(ctx: AdminContext, line: string): string | null {
  ctx.sync();
  const words = line.trim().split(' ');
  const cmd = words.shift();
  switch (cmd) {
    case 'help':
      return 'Commands: stats, counters, timers, gauges, sets, delcounters, deltimers, delgauges, delsets, health, config, quit\n\n';
    case 'config':
      return writeConfig(ctx.config);
    case 'health': {
      const action = words[0]?.toLowerCase();
      if (action === 'up' || action === 'down') ctx.health.status = action;
      return `health: ${ctx.health.status}\n`;
    }
    case 'stats': {
      const now = Math.round(Date.now() / 1000);
      let out = `uptime: ${now - ctx.startupTime}\n`;
      const stat = (group: string, metric: string, v: number) => {
        out += `${group}.${metric}: ${metric.startsWith('last_') ? now - v : v}\n`;
      };
      for (const [k, v] of Object.entries(ctx.messages())) stat('messages', k, v);
      for (const [b, k, v] of ctx.backendStats()) stat(b, k, v);
      return out + 'END\n\n';
    }
    case 'counters':
      return `${inspect(plainObject(ctx.counters))}\nEND\n\n`;
    case 'timers':
      return `${inspect(plainObject(ctx.timers))}\nEND\n\n`;
    case 'gauges':
      return `${inspect(plainObject(ctx.gauges))}\nEND\n\n`;
    case 'sets':
      return `${inspect(plainObject(ctx.sets, (s) => [...s]))}\nEND\n\n`;
    case 'delcounters':
      return deleteStats(ctx.counters, words);
    case 'deltimers':
      return deleteStats(ctx.timers, words);
    case 'delgauges':
      return deleteStats(ctx.gauges, words);
    case 'delsets':
      return deleteStats(ctx.sets, words);
    case 'quit':
      return null;
    default:
      return 'ERROR\n';
  }
}

export function listenAdmin(
  ctx: AdminContext,
  port: number,
  address: string | undefined,
): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((conn) => {
    sockets.add(conn);
    conn.setEncoding('utf8');
    let buffer = '';
    conn.on('data', (data: string) => {
      buffer += data;
      // Etsy takes each segment as one command; we also split segments on newlines.
      const last = buffer.lastIndexOf('\n');
      let commands: string[];
      if (last === -1) {
        commands = [buffer];
        buffer = '';
      } else {
        commands = buffer.slice(0, last).split('\n');
        buffer = buffer.slice(last + 1);
        if (buffer.trim().length > 0) {
          commands.push(buffer);
          buffer = '';
        }
      }
      for (const c of commands) {
        if (c.trim().length === 0 && commands.length > 1) continue;
        const out = runAdminCommand(ctx, c);
        if (out === null) {
          conn.end();
          return;
        }
        conn.write(out);
      }
    });
    conn.on('error', () => {});
    conn.on('close', () => sockets.delete(conn));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as net.AddressInfo).port,
        close: () =>
          new Promise((r) => {
            server.close(() => r());
            for (const c of sockets) c.destroy();
          }),
      });
    });
  });
}
