// carbon's plaintext protocol: `path value timestamp`, whitespace separated, exactly 3 fields.

import type { RawPoint } from './ingest.js';
import { pyFloat } from './pyfloat.js';

/** Twisted LineOnlyReceiver.MAX_LENGTH: a longer line drops the TCP connection. */
export const MAX_LINE_LENGTH = 16384;

const WS = /[\s\x1c-\x1f]+/;

/** Parse one line; undefined for an invalid line (carbon logs and ignores it). */
export function parseLine(line: string): RawPoint | undefined {
  const parts = line.trim().split(WS);
  if (parts.length !== 3) return undefined;
  const value = pyFloat(parts[1]);
  const ts = pyFloat(parts[2]);
  if (value === undefined || ts === undefined) return undefined;
  return [parts[0], ts, value];
}

/** Python str.splitlines() separators, used for UDP datagrams. */
export const SPLITLINES = /\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]/;

// ---- parsing straight from the received bytes ------------------------------------------------
// The common line (ASCII name, plain decimal numbers) is parsed without building a string per
// line and without regexes; anything else falls back to parseLine on the decoded text, so the
// accepted syntax is exactly parseLine's.

/** 10^0 .. 10^22: every one is an exact double, so mantissa / 10^k is correctly rounded. */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/** ASCII bytes that separate fields (JavaScript's \s and \x1c-\x1f): 1; of those, the ones
 * trim() removes at either end (\s only): 2. */
const IS_WS = new Uint8Array(256);
for (const c of [0x1c, 0x1d, 0x1e, 0x1f]) IS_WS[c] = 1;
for (const c of [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20]) IS_WS[c] = 2;

/**
 * `[+-]digits[.digits]` with at most 15 digits (exact as an integer), else NaN (= use the slow
 * path, which also decides what is invalid).
 */
function fastNumber(b: Uint8Array, s: number, e: number): number {
  let i = s;
  let neg = false;
  if (b[i] === 0x2d) {
    neg = true;
    i++;
  } else if (b[i] === 0x2b) i++;
  let mant = 0;
  let digits = 0;
  let frac = 0;
  let dot = false;
  for (; i < e; i++) {
    const c = b[i];
    if (c >= 0x30 && c <= 0x39) {
      mant = mant * 10 + (c - 0x30);
      digits++;
      if (dot) frac++;
    } else if (c === 0x2e && !dot) dot = true;
    else return Number.NaN;
  }
  if (digits === 0 || digits > 15) return Number.NaN;
  const v = frac ? mant / POW10[frac] : mant;
  return neg ? -v : v;
}

/** Receives what parseLineBytes found: one point, or an invalid line (as text, for the log). */
export interface LineSink {
  point(name: string, timestamp: number, value: number): void;
  /** a point whose name went through the NameTable (null: an invalid name) */
  resolved(metric: string | null, timestamp: number, value: number): void;
  invalid(line: string): void;
}

/**
 * Names already seen, by a hash of their bytes, with what `resolve` made of them (the canonical
 * name, or null for an invalid one): a repeated name (the normal case, every metric arrives
 * again each interval) is found without decoding its bytes or looking its text up again.
 */
export class NameTable {
  private readonly byHash = new Map<number, { raw: string; metric: string | null }>();
  constructor(
    private readonly resolve: (raw: string) => string | null,
    private readonly max = 1_000_000,
  ) {}

  /**
   * The ASCII bytes b[s, e), resolved; h is their FNV-1a hash. The key is h cut to 30 bits, a
   * small integer: with the full 32 bits most keys were heap numbers, and the lookups cost a
   * third more per point at 100k names. A rare collision only costs a decode.
   */
  get(b: Buffer, s: number, e: number, h: number): string | null {
    const key = h & 0x3fffffff;
    const hit = this.byHash.get(key);
    if (hit !== undefined && hit.raw.length === e - s) {
      const raw = hit.raw;
      let i = 0;
      while (i < raw.length && raw.charCodeAt(i) === b[s + i]) i++;
      if (i === raw.length) return hit.metric;
    }
    // ASCII only, so latin1 decoding is the same text as utf8 and cheaper
    const raw = b.toString('latin1', s, e);
    const metric = this.resolve(raw);
    if (this.byHash.size >= this.max) this.byHash.clear();
    this.byHash.set(key, { raw, metric });
    return metric;
  }
}

/** Parse the line b[s, e) (no newline in it) exactly like parseLine(utf8 text of it). */
export function parseLineBytes(b: Buffer, s: number, e: number, sink: LineSink, names?: NameTable): void {
  let i = s;
  while (i < e && IS_WS[b[i]] === 2) i++;
  const n0 = i;
  let h = 0x811c9dc5;
  for (; i < e; i++) {
    const c = b[i];
    if (IS_WS[c] || c >= 0x80) break;
    h = Math.imul(h ^ c, 0x01000193);
  }
  const n1 = i;
  while (i < e && IS_WS[b[i]]) i++;
  const v0 = i;
  while (i < e && !IS_WS[b[i]]) i++;
  const v1 = i;
  while (i < e && IS_WS[b[i]]) i++;
  const t0 = i;
  while (i < e && !IS_WS[b[i]]) i++;
  const t1 = i;
  while (i < e && IS_WS[b[i]] === 2) i++;
  if (i === e && n1 > n0 && v1 > v0 && t1 > t0 && n1 < e && IS_WS[b[n1]] !== 0) {
    const value = fastNumber(b, v0, v1);
    const ts = fastNumber(b, t0, t1);
    if (!Number.isNaN(value) && !Number.isNaN(ts)) {
      if (names) sink.resolved(names.get(b, n0, n1, h), ts, value);
      else sink.point(b.toString('latin1', n0, n1), ts, value);
      return;
    }
  }
  const line = b.toString('utf8', s, e);
  const p = parseLine(line);
  if (p) sink.point(p[0], p[1], p[2]);
  else sink.invalid(line);
}
