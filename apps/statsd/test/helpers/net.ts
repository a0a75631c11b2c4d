import dgram from 'node:dgram';
import net from 'node:net';

/** A port free for both UDP and TCP on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = net.createServer();
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const p = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    const udpOk = await new Promise<boolean>((resolve) => {
      const s = dgram.createSocket('udp4');
      s.once('error', () => resolve(false));
      s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (udpOk) return port;
  }
}

export interface FakeCarbon {
  port: number;
  /** Every line received, in order, over all connections. */
  lines: string[];
  connections: number;
  raw: Buffer[];
  close(): Promise<void>;
}

/** A TCP listener standing in for carbon's plaintext receiver. */
export function fakeCarbon(port = 0): Promise<FakeCarbon> {
  const lines: string[] = [];
  const raw: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  const state = { connections: 0 };
  const server = net.createServer((c) => {
    state.connections++;
    sockets.add(c);
    let buf = '';
    c.on('data', (d) => {
      raw.push(d);
      buf += d.toString('utf8');
      const last = buf.lastIndexOf('\n');
      if (last === -1) return;
      for (const l of buf.slice(0, last).split('\n')) lines.push(l);
      buf = buf.slice(last + 1);
    });
    c.on('error', () => {});
    c.on('close', () => sockets.delete(c));
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      resolve({
        port: (server.address() as net.AddressInfo).port,
        lines,
        raw,
        get connections() {
          return state.connections;
        },
        close: () =>
          new Promise((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}

export function sendUdp(port: number, packets: (string | Buffer)[], host = '127.0.0.1'): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    let i = 0;
    const next = () => {
      if (i === packets.length) {
        s.close();
        resolve();
        return;
      }
      s.send(packets[i++], port, host, (err) => (err ? reject(err) : next()));
    };
    next();
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Waits until `cond` holds (polling), failing after `timeoutMs`. */
export async function waitFor(cond: () => boolean, timeoutMs: number, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Sends admin commands and returns everything the server wrote until it went quiet. */
export function adminCommand(port: number, command: string, quietMs = 150): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = net.createConnection(port, '127.0.0.1');
    let out = '';
    let timer: NodeJS.Timeout | undefined;
    const done = () => {
      c.destroy();
      resolve(out);
    };
    c.on('connect', () => {
      c.write(command);
      timer = setTimeout(done, quietMs * 3);
    });
    c.on('data', (d) => {
      out += d.toString();
      if (timer) clearTimeout(timer);
      timer = setTimeout(done, quietMs);
    });
    c.on('close', () => {
      if (timer) clearTimeout(timer);
      resolve(out);
    });
    c.on('error', reject);
  });
}
