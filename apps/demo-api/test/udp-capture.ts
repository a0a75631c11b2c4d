import dgram from 'node:dgram';
import { setTimeout as sleep } from 'node:timers/promises';

/** A real UDP socket on loopback that records every StatsD line it receives. */
export interface UdpCapture {
  port: number;
  lines: string[];
  /** Waits until a line matching `predicate` arrives (or throws after timeoutMs). */
  waitFor(predicate: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  close(): Promise<void>;
}

export async function captureUdp(): Promise<UdpCapture> {
  const socket = dgram.createSocket('udp4');
  const lines: string[] = [];
  socket.on('message', (msg) => {
    for (const line of msg.toString('utf8').split('\n')) if (line !== '') lines.push(line);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    lines,
    async waitFor(predicate, timeoutMs = 3000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = lines.find(predicate);
        if (hit !== undefined) return hit;
        if (Date.now() > deadline) throw new Error(`no matching line; got:\n${lines.join('\n')}`);
        await sleep(10);
      }
    },
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

/** Pearson's chi-square statistic of observed counts against expected probabilities. */
export function chiSquare(observed: number[], probabilities: number[]): number {
  const total = observed.reduce((a, b) => a + b, 0);
  return observed.reduce((acc, o, i) => {
    const e = total * probabilities[i];
    return acc + (o - e) ** 2 / e;
  }, 0);
}
