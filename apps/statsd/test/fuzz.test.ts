// Fuzzing the line parser: over a million random and mutated lines in-process, then a
// stream over UDP to a running daemon. Nothing may throw, and the bad-line count must equal
// what an oracle built on Etsy's own validator (statsd/lib/helpers.js) says.

import { createRequire } from 'node:module';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { Aggregator } from '../src/aggregator.js';
import { startStatsd } from '../src/index.js';
import { EtsyLineParser } from '../src/parse-line.js';
import { HAND_CORPUS, prng } from './helpers/corpus.js';
import { adminCommand, sendUdp, sleep } from './helpers/net.js';

const require = createRequire(import.meta.url);
const etsyHelpers = require('statsd/lib/helpers.js') as { is_valid_packet(fields: string[]): boolean };

/** Lines where we intentionally parse more than Etsy (events, DogStatsD extension fields). */
const DEVIATION = /^_e\{|^_sc\||\|(c:|e:|card:|T\d)/;

/** Bad value fields Etsy would count for a line, plus the rates that crash it. */
function expectedBad(line: string): number {
  const metric = line.split('|#')[0];
  const bits = metric.split(':');
  bits.shift();
  if (bits.length === 0) bits.push('1');
  let bad = 0;
  for (const b of bits) {
    const fields = b.split('|');
    if (!etsyHelpers.is_valid_packet(fields)) bad++;
    else if (fields[2] && !/^@[\d.]/.test(fields[2])) bad++; // Etsy would crash here
  }
  return bad;
}

const ALPHABET =
  ':|@#,;=._-+ \t\r0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ/\\é€😀\u0000';
const WORDS = [
  'c',
  'ms',
  'g',
  's',
  'h',
  'd',
  '@0.5',
  '@+0.5',
  '@ 1',
  '@',
  '#',
  '|#',
  'c:',
  'T1',
  '_e{',
  '_sc|',
  '__proto__',
  'toString',
  'constructor',
  'Infinity',
  '-Infinity',
  'NaN',
  '0x1f',
  '1e308',
  '-0',
  ':',
  '|',
  ';',
  '=',
];

function randomLine(r: () => number): string {
  const len = Math.floor(r() * 40);
  let s = '';
  for (let i = 0; i < len; i++) {
    s += r() < 0.15 ? WORDS[Math.floor(r() * WORDS.length)] : ALPHABET[Math.floor(r() * ALPHABET.length)];
  }
  return s;
}

function mutate(line: string, r: () => number): string {
  let s = line;
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const pos = Math.floor(r() * (s.length + 1));
    const op = r();
    if (op < 0.3) s = s.slice(0, pos) + s.slice(pos + 1);
    else if (op < 0.6) s = s.slice(0, pos) + ALPHABET[Math.floor(r() * ALPHABET.length)] + s.slice(pos);
    else if (op < 0.8) s = s.slice(0, pos) + WORDS[Math.floor(r() * WORDS.length)] + s.slice(pos);
    else s = s + s.slice(pos);
  }
  return s;
}

function fuzzLines(n: number, seed: number): string[] {
  const r = prng(seed);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const line = r() < 0.5 ? randomLine(r) : mutate(HAND_CORPUS[Math.floor(r() * HAND_CORPUS.length)], r);
    out.push(line.replace(/\n/g, ''));
  }
  return out;
}

describe('fuzz', () => {
  it('parses 1.2M random and mutated lines without throwing; bad lines counted as Etsy would', () => {
    const agg = new Aggregator({
      prefixStats: 'statsd',
      deleteCounters: true,
      deleteTimers: true,
      deleteSets: true,
      deleteGauges: true,
      gaugesMaxTTL: 1,
    });
    const parser = new EtsyLineParser(agg, true);
    let expected = 0;
    let lines = 0;
    let compared = 0;
    for (let round = 0; round < 12; round++) {
      const batch = fuzzLines(100_000, 1000 + round);
      for (const line of batch) {
        if (line.length === 0) continue;
        lines++;
        const before = parser.stats.badLines;
        parser.handleLine(line);
        if (!DEVIATION.test(line)) {
          compared++;
          const want = expectedBad(line);
          expected += want;
          if (parser.stats.badLines - before !== want) {
            expect.fail(`line ${JSON.stringify(line)}: ${parser.stats.badLines - before} bad, Etsy: ${want}`);
          }
        }
      }
      agg.snapshot(); // keep memory flat, and exercise snapshot on odd keys
    }
    expect(lines).toBeGreaterThan(1_000_000);
    expect(compared).toBeGreaterThan(900_000);
    expect(expected).toBeGreaterThan(100_000);
  }, 120_000);

  it('survives a fuzzed UDP stream and counts every bad line', async () => {
    const daemon = await startStatsd(
      { address: '127.0.0.1', port: 0, mgmt_port: 0, flushInterval: 600_000, backends: [] },
      { logger: pino({ level: 'silent' }) },
    );
    try {
      const lines = fuzzLines(20_000, 7).filter((l) => l.length > 0 && !DEVIATION.test(l));
      const expected = lines.reduce((n, l) => n + expectedBad(l), 0);
      const packets: string[] = [];
      for (let i = 0; i < lines.length; i += 20) packets.push(lines.slice(i, i + 20).join('\n'));
      for (let i = 0; i < packets.length; i += 50) {
        await sendUdp(daemon.port, packets.slice(i, i + 50));
        await sleep(1);
      }
      // Wait until every datagram has been processed (the machine may be busy), then compare.
      const want = `'statsd.packets_received': ${packets.length}`;
      let counters = '';
      for (let tries = 0; tries < 100 && !counters.includes(want); tries++) {
        await sleep(100);
        counters = await adminCommand(daemon.mgmtPort!, 'counters\n');
      }
      expect(counters).toContain(want);
      const stats = await adminCommand(daemon.mgmtPort!, 'stats\n');
      expect(stats).toContain(`messages.bad_lines_seen: ${expected}\n`);
      expect(expected).toBeGreaterThan(1000);
    } finally {
      await daemon.close();
    }
  }, 60_000);
});
