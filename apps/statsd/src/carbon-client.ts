// A persistent connection to carbon (plaintext or pickle) with reconnects and a bounded
// in-memory queue: data written while carbon is away is kept (up to maxQueueBytes, oldest
// dropped first and counted) and sent on reconnect. Etsy opens one connection per flush
// and loses the flush when carbon is down.

import net from 'node:net';
import type { Logger } from 'pino';

export interface CarbonClientOptions {
  host: string;
  port: number;
  maxQueueBytes: number;
  logger: Logger;
  /** Reconnect back-off bounds, ms. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

interface Chunk {
  data: Buffer;
  lines: number;
}

export class CarbonClient {
  private socket: net.Socket | undefined;
  private connected = false;
  private queue: Chunk[] = [];
  private queuedBytes = 0;
  private queuedLines = 0;
  private backoff: number;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private drainWaiters: (() => void)[] = [];
  droppedLines = 0;
  sentBytes = 0;
  lastException = 0;

  constructor(private readonly o: CarbonClientOptions) {
    this.backoff = o.minBackoffMs ?? 250;
  }

  get pendingBytes(): number {
    return this.queuedBytes + (this.socket?.writableLength ?? 0);
  }

  get pendingLines(): number {
    return this.queuedLines;
  }

  /** Queues a payload (text lines or one pickle frame) and sends it when possible. */
  write(data: Buffer, lines: number): void {
    if (this.closed) {
      this.droppedLines += lines;
      return;
    }
    if (this.connected && this.socket !== undefined && this.queue.length === 0) {
      // A carbon that accepts but does not read must not grow our memory without bound.
      if (this.socket.writableLength + data.length > this.o.maxQueueBytes) {
        this.droppedLines += lines;
        return;
      }
      this.send(data);
      return;
    }
    this.queue.push({ data, lines });
    this.queuedBytes += data.length;
    this.queuedLines += lines;
    while (this.queuedBytes > this.o.maxQueueBytes && this.queue.length > 0) {
      const dropped = this.queue.shift()!;
      this.queuedBytes -= dropped.data.length;
      this.queuedLines -= dropped.lines;
      this.droppedLines += dropped.lines;
    }
    this.ensureConnection();
  }

  private send(data: Buffer): void {
    this.sentBytes += data.length;
    this.socket!.write(data);
  }

  private ensureConnection(): void {
    if (this.socket !== undefined || this.reconnectTimer !== undefined || this.closed) return;
    const socket = net.createConnection({ host: this.o.host, port: this.o.port });
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('connect', () => {
      this.connected = true;
      this.backoff = this.o.minBackoffMs ?? 250;
      const pending = this.queue;
      this.queue = [];
      this.queuedBytes = 0;
      this.queuedLines = 0;
      for (const c of pending) this.send(c.data);
      this.checkDrained();
    });
    socket.on('drain', () => this.checkDrained());
    socket.on('data', () => {}); // carbon sends nothing; keep the stream flowing
    socket.on('error', (err) => {
      this.lastException = Math.round(Date.now() / 1000);
      this.o.logger.debug({ err: err.message }, 'carbon connection error');
    });
    socket.on('close', () => {
      this.connected = false;
      this.socket = undefined;
      if (this.closed) {
        this.checkDrained();
        return;
      }
      // Keep data that never left the process; reconnect soon if anything is pending.
      this.reconnectTimer = setTimeout(() => {
        this.reconnectTimer = undefined;
        if (this.queue.length > 0) this.ensureConnection();
      }, this.backoff);
      this.reconnectTimer.unref();
      this.backoff = Math.min(this.backoff * 2, this.o.maxBackoffMs ?? 10_000);
    });
  }

  private checkDrained(): void {
    if (this.queue.length === 0 && (this.socket === undefined || this.socket.writableLength === 0)) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const w of waiters) w();
    }
  }

  /** Resolves when everything queued has been handed to the kernel (or timeout). */
  drained(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      const self = this;
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.drainWaiters.push(done);
      if (this.queue.length > 0) this.ensureConnection();
      self.checkDrained();
    });
  }

  /** Sends what is pending (bounded wait), then closes. */
  async close(timeoutMs = 3000): Promise<void> {
    await this.drained(timeoutMs);
    this.closed = true;
    if (this.reconnectTimer !== undefined) clearTimeout(this.reconnectTimer);
    const socket = this.socket;
    if (socket !== undefined) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          socket.destroy();
          resolve();
        }, timeoutMs);
        socket.end(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    this.droppedLines += this.queuedLines;
  }
}
