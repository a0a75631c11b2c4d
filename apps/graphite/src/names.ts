// Metric names: carbon 1.1's tagged-series parsing and normalisation, and the mapping from a
// name to its whisper file under the storage root. Every name either maps to a path strictly
// inside the root or is rejected.

import { createHash } from 'node:crypto';
import path from 'node:path';

export class MetricNameError extends Error {
  override name = 'MetricNameError';
}

export interface TaggedName {
  /** The metric part (`name` tag), leading `~` stripped. */
  name: string;
  /** All tags including `name`. */
  tags: Record<string, string>;
}

const MAX_NAME_BYTES = 4096;
const MAX_NODE_BYTES = 250; // node + ".wsp" must fit a 255-byte file name

function validateTagAndValue(tag: string, value: string, raw: string): void {
  if (!tag || /[;!^=]/.test(tag)) throw new MetricNameError(`Tag may not be empty or contain ;!^= in ${raw}`);
  if (!value || value.includes(';') || value.startsWith('~')) {
    throw new MetricNameError(`Tag value may not be empty, contain ; or start with ~ in ${raw}`);
  }
}

function sanitizeName(metric: string, raw: string): string {
  const name = metric.replace(/^~+/, '');
  if (!name) throw new MetricNameError(`Tag name may not be empty or only ~ in ${raw}`);
  return name;
}

function parseOpenMetrics(raw: string): TaggedName {
  const brace = raw.indexOf('{');
  const metric = raw.slice(0, brace);
  if (!metric) throw new MetricNameError(`Cannot parse path ${raw}, no metric found`);
  let rest = raw.slice(brace + 1, -1);
  const tags: Record<string, string> = {};
  const seg = /^([^=]+)="((?:\\["\\]|[^"\\])+)"(,|$)/;
  while (rest.length > 0) {
    const m = seg.exec(rest);
    if (!m) throw new MetricNameError(`Cannot parse path ${raw}, invalid segment ${rest}`);
    const value = m[2].replaceAll('\\"', '"').replaceAll('\\\\', '\\');
    validateTagAndValue(m[1], value, raw);
    tags[m[1]] = value;
    rest = rest.slice(m[0].length);
  }
  tags.name = sanitizeName(metric, raw);
  return { name: tags.name, tags };
}

function parseCarbon(raw: string): TaggedName {
  const segments = raw.split(';');
  const metric = segments[0];
  if (!metric) throw new MetricNameError(`Cannot parse path ${raw}, no metric found`);
  const tags: Record<string, string> = {};
  for (const segment of segments.slice(1)) {
    const eq = segment.indexOf('=');
    if (eq <= 0) throw new MetricNameError(`Cannot parse path ${raw}, invalid segment ${segment}`);
    const tag = segment.slice(0, eq);
    const value = segment.slice(eq + 1);
    validateTagAndValue(tag, value, raw);
    tags[tag] = value;
  }
  tags.name = sanitizeName(metric, raw);
  return { name: tags.name, tags };
}

/** Is this a Graphite 1.1 tagged name (carbon's test: `;` inside, or OpenMetrics `{...="..."}`)? */
export function isTagged(raw: string): boolean {
  return raw.includes(';') || (raw.endsWith('"}') && raw.includes('{'));
}

/** Parse a tagged name (`name;k=v` or `name{k="v"}`); throws MetricNameError. */
export function parseTagged(raw: string): TaggedName {
  if (raw.endsWith('"}') && raw.includes('{')) return parseOpenMetrics(raw);
  return parseCarbon(raw);
}

/** Canonical `name;k1=v1;k2=v2` (tags sorted by their whole `;k=v` string, like carbon). */
export function formatTagged(tags: Record<string, string>): string {
  const parts = Object.entries(tags)
    .filter(([k]) => k !== 'name')
    .map(([k, v]) => `;${k}=${v}`)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return (tags.name ?? '') + parts.join('');
}

export interface ParsedMetric {
  /** The name as stored and queried: canonical for tagged series, as received otherwise. */
  metric: string;
  /** Relative whisper path (`/`-separated, with `.wsp`). */
  relPath: string;
  tags?: Record<string, string>;
}

function checkCommon(raw: string): void {
  if (!raw) throw new MetricNameError('empty metric name');
  if (Buffer.byteLength(raw) > MAX_NAME_BYTES) throw new MetricNameError('metric name too long');
  // NUL and other C0 controls can never be part of a file name we are willing to create
  if (/[\x00-\x1f\x7f]/.test(raw)) throw new MetricNameError('control character in metric name');
}

/**
 * Validate and normalise a received name and compute its whisper path, relative to the root.
 * Untagged: `a.b.c` -> `a/b/c.wsp`; empty nodes, `/` and oversized nodes are refused (carbon
 * would map `a..b` to `a/b.wsp` and `a/../../x` outside its root). Tagged: carbon 1.1's
 * `_tagged/<sha[0:3]>/<sha[3:6]>/<sha>.wsp` layout over the canonical name.
 */
export function parseMetric(raw: string): ParsedMetric {
  checkCommon(raw);
  if (isTagged(raw)) {
    const t = parseTagged(raw);
    const metric = formatTagged(t.tags);
    const hash = createHash('sha256').update(metric, 'utf8').digest('hex');
    return { metric, relPath: `_tagged/${hash.slice(0, 3)}/${hash.slice(3, 6)}/${hash}.wsp`, tags: t.tags };
  }
  if (raw.includes('/')) throw new MetricNameError(`'/' in metric name ${raw}`);
  const nodes = raw.split('.');
  for (const n of nodes) {
    if (!n) throw new MetricNameError(`empty node in metric name ${raw}`);
    if (Buffer.byteLength(n) > MAX_NODE_BYTES) throw new MetricNameError(`node too long in ${raw}`);
  }
  return { metric: raw, relPath: `${nodes.join('/')}.wsp` };
}

/** Absolute file path under root; a final guard that the result cannot leave the root. */
export function resolveUnder(root: string, relPath: string): string {
  const abs = path.resolve(root, relPath);
  const base = path.resolve(root);
  if (!abs.startsWith(base + path.sep)) throw new MetricNameError(`path escapes storage root: ${relPath}`);
  return abs;
}
