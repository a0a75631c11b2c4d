// Runs one config on Etsy statsd and on ours side by side, sends the same datagrams to both
// inside the same flush window, and returns each side's flushed lines per flush.

import pino from 'pino';
import { startStatsd } from '../../src/index.js';
import { startEtsy } from './etsy.js';
import { type FakeCarbon, fakeCarbon, freePort, sendUdp, sleep, waitFor } from './net.js';

/** Timing-dependent self-metrics, left out of the comparison. */
export const TIMING_METRIC = /(processing_time|graphiteStats|timestamp_lag)/;

export interface Flush {
  ts: number;
  lines: string[];
}

/** Flushes in arrival order (grouped by timestamp), timing metrics removed, timestamps stripped. */
function flushes(carbon: FakeCarbon): { ts: number; lines: string[] }[] {
  const byTs = new Map<number, string[]>();
  for (const line of carbon.lines) {
    const sp = line.lastIndexOf(' ');
    const ts = Number(line.slice(sp + 1));
    const body = line.slice(0, sp);
    if (TIMING_METRIC.test(body)) continue;
    let list = byTs.get(ts);
    if (list === undefined) byTs.set(ts, (list = []));
    list.push(body);
  }
  return [...byTs.entries()].map(([ts, lines]) => ({ ts, lines }));
}

/** Index of the flush that counted exactly `packets` received packets (the corpus flush). */
function corpusFlush(list: { lines: string[] }[], packets: number): number {
  return list.findIndex((f) =>
    f.lines.some(
      (l) => l.includes('packets_received') && Number(l.slice(l.lastIndexOf(' ') + 1)) === packets,
    ),
  );
}

function flushCount(carbon: FakeCarbon): number {
  return carbon.lines.filter((l) => /\.numStats\S* /.test(l)).length;
}

export interface SideBySide {
  etsy: string[][];
  ours: string[][];
  etsyOutput: string;
}

/**
 * `packets` are sent at once, `followUps[i]` right after flush i+1 (for idle/TTL options).
 * Returns `flushes` consecutive flushes starting with the one holding `packets`.
 */
export async function runSideBySide(
  config: Record<string, unknown>,
  packets: string[],
  nFlushes = 1,
  followUps: string[][] = [],
): Promise<SideBySide> {
  // On a loaded machine the corpus can straddle a flush boundary; that is a harness timing
  // problem (detected from the packet counts), not a difference, so it gets one more try.
  for (let attempt = 1; ; attempt++) {
    const r = await runOnce(config, packets, nFlushes, followUps);
    if (r !== undefined) return r;
    if (attempt === 3) throw new Error('the corpus never landed in a single flush on both daemons');
  }
}

async function runOnce(
  config: Record<string, unknown>,
  packets: string[],
  nFlushes: number,
  followUps: string[][],
): Promise<SideBySide | undefined> {
  const etsyCarbon = await fakeCarbon();
  const ourCarbon = await fakeCarbon();
  const etsyPort = await freePort();
  const etsyMgmt = await freePort();
  const base = { flushInterval: 1000, graphiteHost: '127.0.0.1', ...config };
  const etsy = await startEtsy({
    ...base,
    port: etsyPort,
    mgmt_port: etsyMgmt,
    graphitePort: etsyCarbon.port,
  });
  const ours = await startStatsd(
    { ...structuredClone(base), address: '127.0.0.1', port: 0, mgmt_port: 0, graphitePort: ourCarbon.port },
    { logger: pino({ level: 'silent' }) },
  );
  try {
    // Both flush on whole seconds (1 s interval aligned to the start second). Wait for two
    // flushes on each so the lag gauge exists on both sides, then send mid-second.
    await waitFor(() => flushCount(etsyCarbon) >= 2 && flushCount(ourCarbon) >= 2, 30_000, 'two flushes');
    for (;;) {
      const ms = Date.now() % 1000;
      if (ms >= 150 && ms < 450) break;
      await sleep(ms < 150 ? 150 - ms : 1150 - ms);
    }
    const sendTs = Math.ceil(Date.now() / 1000);
    await Promise.all([sendUdp(etsyPort, packets), sendUdp(ours.port, packets)]);
    for (let i = 0; i < followUps.length; i++) {
      const target = sendTs + i + 1;
      await waitFor(() => Date.now() >= target * 1000 + 300, 5000, 'next window');
      await Promise.all([sendUdp(etsyPort, followUps[i]), sendUdp(ours.port, followUps[i])]);
    }
    // Wait for the flush after the last compared one, so the compared ones are complete.
    const ready = (c: FakeCarbon) => {
      const f = flushes(c);
      return f.length > 0 && f[f.length - 1].ts >= sendTs + nFlushes;
    };
    await waitFor(
      () => ready(etsyCarbon) && ready(ourCarbon),
      (nFlushes + 8) * 1000,
      'flushes after the corpus',
    );
    const pick = (c: FakeCarbon) => {
      const f = flushes(c);
      const at = corpusFlush(f, packets.length);
      if (at === -1 || f.length < at + nFlushes) return undefined;
      return f.slice(at, at + nFlushes).map((x) => x.lines);
    };
    const e = pick(etsyCarbon);
    const o = pick(ourCarbon);
    if (e === undefined || o === undefined) return undefined;
    return { etsy: e, ours: o, etsyOutput: etsy.stdout() };
  } finally {
    await ours.close();
    await etsy.stop();
    await etsyCarbon.close();
    await ourCarbon.close();
  }
}
