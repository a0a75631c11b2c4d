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
