// Binary encoders for the pickle and msgpack render formats (Python-compatible types: floats stay floats).

/** A float that must be encoded as a float even when integral (Python float vs int). */
export class PyFloat {
  constructor(readonly value: number) {}
}
export type PyValue = null | boolean | number | string | PyFloat | PyValue[] | { [k: string]: PyValue };

class ByteWriter {
  private buf = Buffer.allocUnsafe(1024);
  private len = 0;
  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }
  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  f64be(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.len);
    this.len += 8;
  }
  i32le(v: number): void {
    this.ensure(4);
    this.buf.writeInt32LE(v, this.len);
    this.len += 4;
  }
  u32le(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(v, this.len);
    this.len += 4;
  }
  u16be(v: number): void {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.len);
    this.len += 2;
  }
  u32be(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32BE(v, this.len);
    this.len += 4;
  }
  i64be(v: bigint): void {
    this.ensure(8);
    this.buf.writeBigInt64BE(v, this.len);
    this.len += 8;
  }
  result(): Uint8Array {
    return new Uint8Array(this.buf.subarray(0, this.len));
  }
}

/** Pickle protocol 2 (loadable by every Python 3 unpickler). */
export function pickleDumps(value: PyValue): Uint8Array {
  const w = new ByteWriter();
  w.byte(0x80);
  w.byte(2);
  const enc = (v: PyValue): void => {
    if (v === null)
      w.byte(0x4e); // N
    else if (v === true) w.byte(0x88);
    else if (v === false) w.byte(0x89);
    else if (v instanceof PyFloat) {
      w.byte(0x47); // G
      w.f64be(v.value);
    } else if (typeof v === 'number') {
      if (Number.isInteger(v) && v >= -2147483648 && v <= 2147483647) {
        w.byte(0x4a); // J
        w.i32le(v);
      } else if (Number.isSafeInteger(v)) {
        // LONG1: little-endian two's complement
        let n = BigInt(v);
        const bytes: number[] = [];
        for (let i = 0; i < 8; i++) {
          bytes.push(Number(n & 0xffn));
          n >>= 8n;
        }
        w.byte(0x8a);
        w.byte(8);
        w.bytes(Uint8Array.from(bytes));
      } else {
        w.byte(0x47);
        w.f64be(v);
      }
    } else if (typeof v === 'string') {
      const b = Buffer.from(v, 'utf8');
      w.byte(0x58); // X
      w.u32le(b.length);
      w.bytes(b);
    } else if (Array.isArray(v)) {
      w.byte(0x5d); // ]
      if (v.length) {
        w.byte(0x28); // (
        for (const x of v) enc(x);
        w.byte(0x65); // e
      }
    } else {
      w.byte(0x7d); // }
      const entries = Object.entries(v);
      if (entries.length) {
        w.byte(0x28);
        for (const [k, x] of entries) {
          enc(k);
          enc(x);
        }
        w.byte(0x75); // u
      }
    }
  };
  enc(value);
  w.byte(0x2e); // .
  return w.result();
}

/** msgpack with Python msgpack's typing: PyFloat -> float64, integers -> smallest int. */
export function msgpackDumps(value: PyValue): Uint8Array {
  const w = new ByteWriter();
  const enc = (v: PyValue): void => {
    if (v === null) w.byte(0xc0);
    else if (v === true) w.byte(0xc3);
    else if (v === false) w.byte(0xc2);
    else if (v instanceof PyFloat || (typeof v === 'number' && !Number.isSafeInteger(v))) {
      w.byte(0xcb);
      w.f64be(v instanceof PyFloat ? v.value : v);
    } else if (typeof v === 'number') {
      if (v >= 0 && v < 128) w.byte(v);
      else if (v < 0 && v >= -32) w.byte(0x100 + v);
      else if (v >= 0 && v <= 0xffff) {
        w.byte(0xcd);
        w.u16be(v);
      } else if (v >= 0 && v <= 0xffffffff) {
        w.byte(0xce);
        w.u32be(v);
      } else {
        w.byte(0xd3);
        w.i64be(BigInt(v));
      }
    } else if (typeof v === 'string') {
      const b = Buffer.from(v, 'utf8');
      if (b.length < 32) w.byte(0xa0 | b.length);
      else if (b.length < 256) {
        w.byte(0xd9);
        w.byte(b.length);
      } else if (b.length < 65536) {
        w.byte(0xda);
        w.u16be(b.length);
      } else {
        w.byte(0xdb);
        w.u32be(b.length);
      }
      w.bytes(b);
    } else if (Array.isArray(v)) {
      header(v.length, 0x90, 0xdc, 0xdd);
      for (const x of v) enc(x);
    } else {
      const entries = Object.entries(v);
      header(entries.length, 0x80, 0xde, 0xdf);
      for (const [k, x] of entries) {
        enc(k);
        enc(x);
      }
    }
  };
  const header = (n: number, fix: number, c16: number, c32: number): void => {
    if (n < 16) w.byte(fix | n);
    else if (n < 65536) {
      w.byte(c16);
      w.u16be(n);
    } else {
      w.byte(c32);
      w.u32be(n);
    }
  };
  enc(value);
  return w.result();
}
