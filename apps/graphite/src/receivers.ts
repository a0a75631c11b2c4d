// TCP/UDP listeners for the plaintext protocol and TCP for pickle. A bad line or frame only
// costs that line or frame; a client sending too much is paused (flow control) rather than
// buffered without bound.

import dgram from 'node:dgram';
import net from 'node:net';
import { decodePickle, PickleError } from '@appliance/pickle/decode';
import type { Logger } from 'pino';
import type { Ingest, RawPoint } from './ingest.js';
import {
  type LineSink,
  MAX_LINE_LENGTH,
  NameTable,
  parseLine,
  parseLineBytes,
  SPLITLINES,
} from './line-protocol.js';
import { pyFloatOf } from './pyfloat.js';

export interface ReceiverStats {
  activeConnections: number;
  invalidLines: number;
  invalidPickles: number;
  droppedConnections: number;
}

export interface Listening {
  port: number;
  close(): Promise<void>;
}

/** Shared by all receivers: pause every socket while the cache is full. */
export class FlowControl {
  private readonly sockets = new Set<net.Socket>();
  paused = false;

  add(s: net.Socket): void {
    this.sockets.add(s);
    if (this.paused) s.pause();
    s.once('close', () => this.sockets.delete(s));
  }

  set(full: boolean): void {
    this.paused = full;
    for (const s of this.sockets) {
      if (full) s.pause();
      else s.resume();
    }
  }

  get count(): number {
    return this.sockets.size;
  }

  destroyAll(): void {
    for (const s of this.sockets) s.destroy();
  }
}

interface Ctx {
  ingest: Ingest;
  log: Logger;
  stats: ReceiverStats;
  flow: FlowControl;
}

function listenTcp(server: net.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

function closeServer(server: net.Server, flow: FlowControl): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    flow.destroyAll();
  });
}

function logInvalid(ctx: Ctx, peer: string, line: string): void {
  ctx.stats.invalidLines++;
  ctx.ingest.stats.invalidLines++;
  if (ctx.stats.invalidLines <= 100 || ctx.stats.invalidLines % 1000 === 0) {
    const shown = line.length > 400 ? `${line.slice(0, 400)}...` : line;
    ctx.log.warn(`invalid line received from client ${peer}, ignoring [${shown}]`);
  }
}

export async function startLineTcp(ctx: Ctx, host: string, port: number): Promise<Listening> {
  const names = new NameTable((raw) => ctx.ingest.canonicalName(raw, false));
  const server = net.createServer((sock) => {
    ctx.stats.activeConnections++;
    ctx.flow.add(sock);
    sock.setKeepAlive(true, 10_000);
    const peer = `${sock.remoteAddress}:${sock.remotePort}`;
    const sink: LineSink = {
      point: (name, ts, value) => ctx.ingest.add(name, ts, value),
      resolved: (metric, ts, value) => ctx.ingest.addResolved(metric, ts, value),
      invalid: (line) => logInvalid(ctx, peer, line),
    };
    const tooLong = () => {
      // Twisted drops the connection; what was parsed before this line is kept
      ctx.stats.droppedConnections++;
      ctx.log.warn(`line longer than ${MAX_LINE_LENGTH} bytes from ${peer}, dropping connection`);
      ctx.ingest.flush();
      sock.destroy();
    };
    /** Parse the complete lines in b[s, last] (b[last] is a newline); false if one was too long. */
    const lines = (b: Buffer, s0: number, last: number): boolean => {
      // lines are parsed from the bytes (line-protocol.ts); Twisted's limit counts bytes too
      for (let s = s0; s <= last; ) {
        let e = b.indexOf(0x0a, s);
        if (e < 0 || e > last) e = last;
        if (e - s > MAX_LINE_LENGTH) return false;
        parseLineBytes(b, s, e, sink, names);
        s = e + 1;
      }
      return true;
    };
    /** the unfinished line at the end of the previous chunk */
    let rest: Buffer | undefined;
    sock.on('data', (chunk: Buffer) => {
      let from = 0;
      if (rest) {
        // finish that line on its own, rather than copying the whole chunk behind it
        const nl = chunk.indexOf(0x0a);
        const head = Buffer.concat([rest, nl < 0 ? chunk : chunk.subarray(0, nl + 1)]);
        if (nl < 0) {
          rest = head;
          if (head.length > MAX_LINE_LENGTH) tooLong();
          return;
        }
        rest = undefined;
        if (!lines(head, 0, head.length - 1)) return tooLong();
        from = nl + 1;
      }
      const last = chunk.lastIndexOf(0x0a);
      if (last >= from && !lines(chunk, from, last)) return tooLong();
      const tail = Math.max(last + 1, from);
      if (tail < chunk.length) {
        rest = Buffer.from(chunk.subarray(tail));
        if (rest.length > MAX_LINE_LENGTH) return tooLong();
      }
      ctx.ingest.flush();
    });
    sock.on('error', () => {});
    sock.on('close', () => {
      ctx.stats.activeConnections--;
    });
  });
  const bound = await listenTcp(server, host, port);
  return { port: bound, close: () => closeServer(server, ctx.flow) };
}

export async function startLineUdp(ctx: Ctx, host: string, port: number): Promise<Listening> {
  const sock = dgram.createSocket({ type: host.includes(':') ? 'udp6' : 'udp4', reuseAddr: true });
  sock.on('message', (msg, rinfo) => {
    const points: RawPoint[] = [];
    for (const line of msg.toString('utf8').split(SPLITLINES)) {
      if (line === '') continue;
      const p = parseLine(line);
      if (p) points.push(p);
      else logInvalid(ctx, rinfo.address, line);
    }
    ctx.ingest.accept(points);
  });
  sock.on('error', (e) => ctx.log.error({ err: e }, 'udp listener error'));
  const bound = await new Promise<number>((resolve, reject) => {
    sock.once('error', reject);
    sock.bind({ address: host, port }, () => {
      sock.off('error', reject);
      resolve(sock.address().port);
    });
  });
  return { port: bound, close: () => new Promise((r) => sock.close(() => r())) };
}

/** Turn a decoded pickle payload into points the way carbon's MetricPickleReceiver does. */
export function pickleToPoints(payload: unknown, onBad: (msg: string) => void): RawPoint[] {
  if (!Array.isArray(payload)) {
    onBad('payload is not a list');
    return [];
  }
  const out: RawPoint[] = [];
  for (const item of payload) {
    if (!Array.isArray(item) || item.length !== 2 || !Array.isArray(item[1]) || item[1].length !== 2) {
      onBad('element does not unpack to (metric, (timestamp, value))');
      continue;
    }
    let name = item[0];
    if (name instanceof Uint8Array) name = Buffer.from(name).toString('utf8');
    if (typeof name !== 'string') {
      onBad('metric name is not a string');
      continue;
    }
    const ts = pyFloatOf(item[1][0]);
    const value = pyFloatOf(item[1][1]);
    if (ts === undefined || value === undefined) continue;
    out.push([name, ts, value]);
  }
  return out;
}

export interface PickleOptions {
  /** PICKLE_RECEIVER_MAX_LENGTH (2**20): a longer frame drops the connection. */
  maxLength: number;
}

export async function startPickleTcp(
  ctx: Ctx,
  host: string,
  port: number,
  opts: PickleOptions,
): Promise<Listening> {
  const server = net.createServer((sock) => {
    ctx.stats.activeConnections++;
    ctx.flow.add(sock);
    sock.setKeepAlive(true, 10_000);
    const peer = `${sock.remoteAddress}:${sock.remotePort}`;
    let buf: Buffer = Buffer.alloc(0);
    sock.on('data', (chunk: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      let off = 0;
      const points: RawPoint[] = [];
      while (buf.length - off >= 4) {
        const len = buf.readUInt32BE(off);
        if (len > opts.maxLength) {
          ctx.stats.droppedConnections++;
          ctx.log.warn(
            `pickle frame of ${len} bytes from ${peer} exceeds ${opts.maxLength}, dropping connection`,
          );
          ctx.ingest.accept(points);
          sock.destroy();
          return;
        }
        if (buf.length - off - 4 < len) break;
        const frame = buf.subarray(off + 4, off + 4 + len);
        off += 4 + len;
        try {
          const payload = decodePickle(frame, { maxValues: 4 * opts.maxLength });
          for (const p of pickleToPoints(payload, (m) => ctx.log.debug(`Error decoding pickle: ${m}`)))
            points.push(p);
        } catch (e) {
          if (!(e instanceof PickleError)) throw e;
          ctx.stats.invalidPickles++;
          if (ctx.stats.invalidPickles <= 100 || ctx.stats.invalidPickles % 1000 === 0) {
            ctx.log.warn(`invalid pickle received from ${peer}, ignoring (${e.message})`);
          }
        }
      }
      buf = off === buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(off));
      ctx.ingest.accept(points);
    });
    sock.on('error', () => {});
    sock.on('close', () => {
      ctx.stats.activeConnections--;
    });
  });
  const bound = await listenTcp(server, host, port);
  return { port: bound, close: () => closeServer(server, ctx.flow) };
}
