import { WhisperError } from './errors.js';
import type { ArchiveSpec } from './format.js';

const UNITS: ReadonlyArray<readonly [string, number]> = [
  ['seconds', 1],
  ['minutes', 60],
  ['hours', 3600],
  ['days', 86400],
  ['weeks', 604800],
  ['years', 31536000],
];

function retentionError(message: string): WhisperError {
  return new WhisperError('INVALID_RETENTION', message);
}

/** whisper's getUnitString: the first unit name that starts with `s` ("m" is minutes, "" is seconds). */
export function getUnitString(s: string): string {
  for (const [name] of UNITS) if (name.startsWith(s)) return name;
  throw retentionError(`Invalid unit '${s}'`);
}
function unitSeconds(s: string): number {
  const name = getUnitString(s);
  return UNITS.find(([n]) => n === name)![1];
}

const DIGITS = /^\d+$/;
const WITH_UNIT = /^(\d+)([a-z]+)$/;
/** python str.isdigit() on ASCII input (Unicode digits are not worth emulating here). */
const isDigits = (s: string) => DIGITS.test(s);
/** python str.strip(): ASCII whitespace. */
const pyStrip = (s: string) => s.replace(/^[\s]+|[\s]+$/g, '');

/**
 * whisper 1.1.4's parseRetentionDef (whisper-create arguments, fetch's archiveToSelect):
 * split on the first ':', unit prefixes ("min", "ho"), legacy `precision:points` form,
 * retention in points = floor(seconds / precision).
 */
export function parseRetentionDef(def: string): ArchiveSpec {
  const s = pyStrip(def);
  const colon = s.indexOf(':');
  if (colon < 0) throw retentionError(`Invalid retention definition '${def}'`);
  const p = s.slice(0, colon);
  const r = s.slice(colon + 1);
  let precision: number;
  if (isDigits(p)) precision = Number.parseInt(p, 10);
  else {
    const m = WITH_UNIT.exec(p);
    if (!m) throw retentionError(`Invalid precision specification '${p}'`);
    precision = Number.parseInt(m[1]!, 10) * unitSeconds(m[2]!);
  }
  let points: number;
  if (isDigits(r)) points = Number.parseInt(r, 10);
  else {
    const m = WITH_UNIT.exec(r);
    if (!m) throw retentionError(`Invalid retention specification '${r}'`);
    const seconds = Number.parseInt(m[1]!, 10) * unitSeconds(m[2]!);
    if (precision === 0) throw retentionError('integer division or modulo by zero');
    points = Math.floor(seconds / precision);
  }
  return { secondsPerPoint: precision, points };
}

const CARBON_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
const CARBON_PART = /^(\d+)([a-z]*)$/;

/**
 * carbon's stricter copy (storage-schemas.conf): split on every ':', single-letter units only,
 * retention = int(seconds / precision). Throws with carbon's message on what carbon refuses.
 */
export function parseCarbonRetentionDef(def: string): ArchiveSpec {
  const parts = def.trim().split(':');
  if (parts.length !== 2) {
    throw retentionError(
      parts.length < 2
        ? 'not enough values to unpack (expected 2, got 1)'
        : `too many values to unpack (expected 2)`,
    );
  }
  const [p, r] = parts as [string, string];
  const parseTime = (x: string, what: string) => {
    if (isDigits(x)) return { n: Number.parseInt(x, 10), unit: 0 };
    const m = CARBON_PART.exec(x);
    if (!m) throw retentionError(`Invalid ${what} specification '${x}'`);
    const mult = CARBON_UNITS[m[2]!];
    if (mult === undefined) throw retentionError(`Invalid unit '${m[2]}'`);
    return { n: Number.parseInt(m[1]!, 10), unit: mult };
  };
  const pp = parseTime(p, 'precision');
  const precision = pp.unit ? pp.n * pp.unit : pp.n;
  const rr = parseTime(r, 'retention');
  if (!rr.unit) return { secondsPerPoint: precision, points: rr.n };
  if (precision === 0) throw retentionError('division by zero');
  return { secondsPerPoint: precision, points: Math.trunc((rr.n * rr.unit) / precision) };
}

/** Comma-separated carbon list (`10s:6h,1m:7d`), each item parsed the carbon way. */
export function parseCarbonRetentions(list: string): ArchiveSpec[] {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(parseCarbonRetentionDef);
}

function configError(message: string): WhisperError {
  return new WhisperError('INVALID_CONFIG', message);
}
const tuple = (a: ArchiveSpec) => `(${a.secondsPerPoint}, ${a.points})`;

/**
 * whisper's validateArchiveList: returns a copy sorted by precision, throwing python's exact
 * messages (archive indices refer to the sorted list). Unlike python it also rejects zero or
 * non-integer precision/points, which python accepts and then divides by zero on update.
 */
export function validateArchiveList(archives: ArchiveSpec[]): ArchiveSpec[] {
  if (!archives || archives.length === 0) {
    throw configError('You must specify at least one archive configuration!');
  }
  const sorted = archives.map((a) => ({ secondsPerPoint: a.secondsPerPoint, points: a.points }));
  sorted.sort((a, b) => a.secondsPerPoint - b.secondsPerPoint);
  for (let i = 0; i < sorted.length - 1; i++) {
    const a = sorted[i]!;
    const b = sorted[i + 1]!;
    if (!(a.secondsPerPoint < b.secondsPerPoint)) {
      throw configError(
        `A Whisper database may not be configured having two archives with the same precision (archive${i}: ${tuple(a)}, archive${i + 1}: ${tuple(b)})`,
      );
    }
    if (b.secondsPerPoint % a.secondsPerPoint !== 0) {
      throw configError(
        `Higher precision archives' precision must evenly divide all lower precision archives' precision (archive${i}: ${a.secondsPerPoint}, archive${i + 1}: ${b.secondsPerPoint})`,
      );
    }
    const ra = a.secondsPerPoint * a.points;
    const rb = b.secondsPerPoint * b.points;
    if (!(rb > ra)) {
      throw configError(
        `Lower precision archives must cover larger time intervals than higher precision archives (archive${i}: ${ra} seconds, archive${i + 1}: ${rb} seconds)`,
      );
    }
    const per = Math.floor(b.secondsPerPoint / a.secondsPerPoint);
    if (!(a.points >= per)) {
      throw configError(
        `Each archive must have at least enough points to consolidate to the next archive (archive${i + 1} consolidates ${per} of archive${i}'s points but it has only ${a.points} total points)`,
      );
    }
  }
  // python's own checks come first (same messages); these catch what python lets through
  for (const [i, a] of sorted.entries()) {
    for (const [k, v] of [
      ['precision', a.secondsPerPoint],
      ['points', a.points],
    ] as const) {
      if (!Number.isInteger(v) || v <= 0 || v > 0xffffffff) {
        throw configError(`Invalid archive${i} ${k} ${v}: must be a positive integer`);
      }
    }
  }
  const maxRet = Math.max(...sorted.map((a) => a.secondsPerPoint * a.points));
  if (maxRet > 0xffffffff) throw configError(`Maximum retention ${maxRet} does not fit the header (uint32)`);
  return sorted;
}

/**
 * A comma-separated retention list read with whisper's (more lenient) rules, plus carbon's
 * verdict on each item: `carbonErrors` lists the items carbon's storage-schemas.conf parser
 * would refuse (carbon exits on those), so a caller can accept them but warn.
 */
export function parseRetentionsLenient(list: string): { archives: ArchiveSpec[]; carbonErrors: string[] } {
  const items = list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const carbonErrors: string[] = [];
  const archives = items.map((item) => {
    const a = parseRetentionDef(item);
    try {
      const c = parseCarbonRetentionDef(item);
      if (c.secondsPerPoint !== a.secondsPerPoint || c.points !== a.points) {
        carbonErrors.push(`${item}: carbon reads ${c.secondsPerPoint}:${c.points}`);
      }
    } catch (e) {
      carbonErrors.push(`${item}: ${(e as Error).message}`);
    }
    return a;
  });
  return { archives, carbonErrors };
}
