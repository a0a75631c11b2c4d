import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type Harness, startHarness } from './helpers.js';

type Msg = {
  type: string;
  series?: Array<{ metric: string; points: Array<[number, number]> }>;
  error?: string;
};

function connect(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ ws: WebSocket; messages: Msg[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/ui/live`, { headers });
    const messages: Msg[] = [];
    ws.on('message', (d) => messages.push(JSON.parse(String(d))));
    ws.once('open', () => resolve({ ws, messages }));
    ws.once('error', reject);
  });
}

async function until<T>(fn: () => T | undefined, ms = 3000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('live WebSocket', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.close());

  it('pushes batched points only for subscribed globs', async () => {
    const { ws, messages } = await connect(h.url);
    await until(() => messages.find((m) => m.type === 'hello'));
    ws.send(JSON.stringify({ type: 'subscribe', patterns: ['servers.*.cpu', 'app.{a,b}.rps'] }));
    await new Promise((r) => setTimeout(r, 50));
    h.emit('servers.web1.cpu', [[100, 1]]);
    h.emit('servers.web1.cpu', [[110, 2]]);
    h.emit('servers.web1.mem', [[100, 3]]);
    h.emit('app.b.rps', [[100, 4]]);
    h.emit('app.c.rps', [[100, 5]]);
    const batch = await until(() => messages.find((m) => m.type === 'points'));
    expect(batch.series).toEqual([
      {
        metric: 'servers.web1.cpu',
        points: [
          [100, 1],
          [110, 2],
        ],
      },
      { metric: 'app.b.rps', points: [[100, 4]] },
    ]);
    // A new subscription replaces the old one.
    ws.send(JSON.stringify({ type: 'subscribe', patterns: ['servers.web1.mem'] }));
    await new Promise((r) => setTimeout(r, 50));
    h.emit('servers.web1.cpu', [[120, 6]]);
    h.emit('servers.web1.mem', [[120, 7]]);
    const next = await until(() => messages.filter((m) => m.type === 'points')[1]);
    expect(next.series).toEqual([{ metric: 'servers.web1.mem', points: [[120, 7]] }]);
    ws.close();
  });

  it('answers malformed messages with an error and keeps the connection', async () => {
    const { ws, messages } = await connect(h.url);
    ws.send('not json');
    ws.send(JSON.stringify({ type: 'subscribe', patterns: 'x' }));
    await until(() => (messages.filter((m) => m.type === 'error').length === 2 ? true : undefined));
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
  });

  it('refuses cross-origin browser connections and other upgrade paths', async () => {
    await expect(connect(h.url, { origin: 'http://evil.example' })).rejects.toThrow();
    await expect(
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`${h.url.replace('http', 'ws')}/elsewhere`);
        ws.once('open', resolve);
        ws.once('error', reject);
      }),
    ).rejects.toThrow();
    const same = await connect(h.url, { origin: h.url });
    same.ws.close();
  });

  it('listens to the cache only while a client is connected', async () => {
    const other = await startHarness();
    try {
      expect(other.listeners.size).toBe(0);
      const a = await connect(other.url);
      const b = await connect(other.url);
      expect(other.listeners.size).toBe(1);
      a.ws.close();
      await new Promise((r) => a.ws.once('close', r));
      await new Promise((r) => setTimeout(r, 100)); // the server has seen a's close by now
      expect(other.listeners.size).toBe(1); // b still watches
      b.ws.close();
      await until(() => (other.listeners.size === 0 ? true : undefined));
      const c = await connect(other.url);
      expect(other.listeners.size).toBe(1);
      c.ws.close();
      await until(() => (other.listeners.size === 0 ? true : undefined));
    } finally {
      await other.close();
    }
  });

  it('closes open sockets and unsubscribes when the app closes', async () => {
    const other = await startHarness();
    const { ws } = await connect(other.url);
    expect(other.listeners.size).toBe(1);
    const closed = new Promise((r) => ws.once('close', r));
    await other.close();
    await closed;
    expect(other.listeners.size).toBe(0);
  });
});
