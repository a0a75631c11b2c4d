// A pickle encoder (protocol 2) for the data types carbon's pickle receiver reads:
// None, bool, int, float, str, bytes, list, tuple (JS: a Tuple wrapper) and dict (JS: Map).
// Protocol 2 is what carbon and graphite's own tools send; Python 2 and 3 both load it.

export class Tuple {
  readonly items: readonly PickleValue[];
  constructor(...items: PickleValue[]) {
    this.items = items;
  }
}

export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | Tuple
  | PickleValue[]
  | Map<PickleValue, PickleValue>;

const PROTO = 0x80;
const STOP = 0x2e;
const NONE = 0x4e;
const NEWTRUE = 0x88;
const NEWFALSE = 0x89;
const BININT = 0x4a;
const LONG1 = 0x8a;
const BINFLOAT = 0x47;
const BINUNICODE = 0x58;
const BINSTRING = 0x54; // py2 str; Python 3 loads it as str (or bytes with encoding="bytes")
const EMPTY_LIST = 0x5d;
const EMPTY_TUPLE = 0x29;
const TUPLE1 = 0x85;
const TUPLE2 = 0x86;
const TUPLE3 = 0x87;
const EMPTY_DICT = 0x7d;
const MARK = 0x28;
const APPENDS = 0x65;
const TUPLE = 0x74;
const SETITEMS = 0x75;

/** Growable byte buffer. */
class Writer {
  private buf = new Uint8Array(256);
  length = 0;

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.length++] = b;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  u32le(n: number): void {
    this.ensure(4);
    new DataView(this.buf.buffer, this.buf.byteOffset).setUint32(this.length, n, true);
    this.length += 4;
  }

  i32le(n: number): void {
    this.ensure(4);
    new DataView(this.buf.buffer, this.buf.byteOffset).setInt32(this.length, n, true);
    this.length += 4;
  }

  f64be(n: number): void {
    this.ensure(8);
    new DataView(this.buf.buffer, this.buf.byteOffset).setFloat64(this.length, n, false);
    this.length += 8;
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

const encoder = new TextEncoder();

/** Two's complement little-endian bytes of a bigint, as LONG1 wants them. */
function longBytes(n: bigint): Uint8Array {
  if (n === 0n) return new Uint8Array(0);
  const out: number[] = [];
  let v = n;
  for (;;) {
    const b = Number(v & 0xffn);
    out.push(b);
    v >>= 8n;
    if ((v === 0n && (b & 0x80) === 0) || (v === -1n && (b & 0x80) !== 0)) break;
  }
  return Uint8Array.from(out);
}

function writeValue(w: Writer, v: PickleValue, depth: number): void {
  if (depth > 1000) throw new RangeError('pickle: value nested too deeply');
  if (v === null) {
    w.byte(NONE);
    return;
  }
  if (v === true) {
    w.byte(NEWTRUE);
    return;
  }
  if (v === false) {
    w.byte(NEWFALSE);
    return;
  }
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff && !Object.is(v, -0)) {
      w.byte(BININT);
      w.i32le(v);
      return;
    }
    w.byte(BINFLOAT);
    w.f64be(v);
    return;
  }
  if (typeof v === 'bigint') {
    const b = longBytes(v);
    if (b.length > 255) throw new RangeError('pickle: integer too large');
    w.byte(LONG1);
    w.byte(b.length);
    w.bytes(b);
    return;
  }
  if (typeof v === 'string') {
    const b = encoder.encode(v);
    w.byte(BINUNICODE);
    w.u32le(b.length);
    w.bytes(b);
    return;
  }
  if (v instanceof Uint8Array) {
    w.byte(BINSTRING);
    w.u32le(v.length);
    w.bytes(v);
    return;
  }
  if (v instanceof Tuple) {
    const n = v.items.length;
    if (n === 0) {
      w.byte(EMPTY_TUPLE);
      return;
    }
    if (n > 3) w.byte(MARK);
    for (const item of v.items) writeValue(w, item, depth + 1);
    w.byte(n === 1 ? TUPLE1 : n === 2 ? TUPLE2 : n === 3 ? TUPLE3 : TUPLE);
    return;
  }
  if (Array.isArray(v)) {
    w.byte(EMPTY_LIST);
    // APPENDS in batches of 1000 like CPython, so the decoder's mark stack stays shallow.
    for (let i = 0; i < v.length; i += 1000) {
      w.byte(MARK);
      const end = Math.min(v.length, i + 1000);
      for (let j = i; j < end; j++) writeValue(w, v[j], depth + 1);
      w.byte(APPENDS);
    }
    return;
  }
  if (v instanceof Map) {
    w.byte(EMPTY_DICT);
    if (v.size === 0) return;
    w.byte(MARK);
    for (const [k, val] of v) {
      writeValue(w, k, depth + 1);
      writeValue(w, val, depth + 1);
    }
    w.byte(SETITEMS);
    return;
  }
  throw new TypeError(`pickle: cannot encode ${typeof v}`);
}

/** Encodes one value as a protocol 2 pickle. */
export function encodePickle(value: PickleValue): Uint8Array {
  const w = new Writer();
  w.byte(PROTO);
  w.byte(2);
  writeValue(w, value, 0);
  w.byte(STOP);
  return w.result();
}

/** One carbon datapoint: `(path, (timestamp, value))`. */
export interface CarbonPoint {
  path: string;
  timestamp: number;
  value: number;
}

/**
 * A carbon pickle-protocol frame: a 4-byte big-endian length, then a pickled list of
 * `(path, (timestamp, value))` tuples (what carbon's PICKLE_RECEIVER expects).
 */
export function encodeCarbonPickle(points: readonly CarbonPoint[]): Uint8Array {
  const list: PickleValue[] = points.map((p) => new Tuple(p.path, new Tuple(p.timestamp, p.value)));
  const body = encodePickle(list);
  const frame = new Uint8Array(4 + body.length);
  new DataView(frame.buffer).setUint32(0, body.length, false);
  frame.set(body, 4);
  return frame;
}
