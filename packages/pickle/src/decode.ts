// A pickle decoder that only understands data opcodes. Anything that would look up a global,
// construct an object or call something (GLOBAL, REDUCE, BUILD, OBJ, ...) is refused, so a
// hostile payload can cost CPU and memory up to the configured limits but never runs code.
//
// Python values map to JS as: int/long -> number (bigint beyond 2^53), float -> number,
// str/unicode/py2 str -> string (UTF-8, like carbon's `encoding='utf-8'`), bytes -> Uint8Array,
// list/tuple -> array, dict -> Map, None -> null, bool -> boolean.

export class PickleError extends Error {
  override name = 'PickleError';
}

export interface DecodeOptions {
  /** Maximum number of values created (lists, strings, numbers ...); guards against bombs. */
  maxValues?: number;
  /** Maximum memo entries. */
  maxMemo?: number;
}

const MARK = Symbol('mark');
type Stack = unknown[];

const textDecoder = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return textDecoder.decode(bytes);
  } catch {
    throw new PickleError('invalid UTF-8 in string');
  }
}

/** Python int() of a decimal text (protocol 0 INT/LONG/GET/PUT arguments). */
function parseIntText(text: string): number | bigint {
  const t = text.trim().replace(/L$/, '');
  if (!/^[+-]?\d+$/.test(t)) throw new PickleError(`invalid integer literal ${JSON.stringify(text)}`);
  const n = Number(t);
  if (Number.isSafeInteger(n)) return n;
  return BigInt(t);
}

function parseFloatText(text: string): number {
  const t = text.trim();
  if (/^[+-]?(nan)$/i.test(t)) return Number.NaN;
  if (/^[+-]?inf(inity)?$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) {
    throw new PickleError(`invalid float literal ${JSON.stringify(text)}`);
  }
  return Number(t);
}

/** Python 2 `repr(str)` as written by protocol 0 STRING: quoted, with backslash escapes. */
function parseQuotedString(line: Uint8Array): string {
  const n = line.length;
  if (n < 2) throw new PickleError('the STRING opcode argument must be quoted');
  const q = line[0];
  if ((q !== 0x27 && q !== 0x22) || line[n - 1] !== q) {
    throw new PickleError('the STRING opcode argument must be quoted');
  }
  const out: number[] = [];
  for (let i = 1; i < n - 1; i++) {
    const c = line[i];
    if (c !== 0x5c) {
      out.push(c);
      continue;
    }
    i++;
    if (i >= n - 1) throw new PickleError('trailing backslash in STRING');
    const e = line[i];
    switch (e) {
      case 0x6e:
        out.push(0x0a);
        break;
      case 0x72:
        out.push(0x0d);
        break;
      case 0x74:
        out.push(0x09);
        break;
      case 0x5c:
      case 0x27:
      case 0x22:
        out.push(e);
        break;
      case 0x61:
        out.push(0x07);
        break;
      case 0x62:
        out.push(0x08);
        break;
      case 0x66:
        out.push(0x0c);
        break;
      case 0x76:
        out.push(0x0b);
        break;
      case 0x0a:
        break; // line continuation
      case 0x78: {
        const hex = String.fromCharCode(line[i + 1] ?? 0, line[i + 2] ?? 0);
        if (i + 2 >= n - 1 || !/^[0-9a-fA-F]{2}$/.test(hex)) throw new PickleError('invalid \\x escape');
        out.push(Number.parseInt(hex, 16));
        i += 2;
        break;
      }
      default:
        if (e >= 0x30 && e <= 0x37) {
          let v = e - 0x30;
          for (let k = 0; k < 2 && i + 1 < n - 1 && line[i + 1] >= 0x30 && line[i + 1] <= 0x37; k++) {
            i++;
            v = v * 8 + (line[i] - 0x30);
          }
          out.push(v & 0xff);
        } else {
          out.push(0x5c, e); // Python keeps unknown escapes verbatim
        }
    }
  }
  return decodeUtf8(Uint8Array.from(out));
}

/** raw-unicode-escape (protocol 0 UNICODE): only \uXXXX and \UXXXXXXXX are escapes. */
function parseRawUnicode(line: Uint8Array): string {
  let s = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === 0x5c && (line[i + 1] === 0x75 || line[i + 1] === 0x55)) {
      const len = line[i + 1] === 0x75 ? 4 : 8;
      const hex = String.fromCharCode(...line.subarray(i + 2, i + 2 + len));
      if (hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex)) throw new PickleError('invalid \\u escape');
      const cp = Number.parseInt(hex, 16);
      if (cp > 0x10ffff) throw new PickleError('invalid code point');
      s += String.fromCodePoint(cp);
      i += 1 + len;
    } else {
      s += String.fromCharCode(c); // latin-1
    }
  }
  return s;
}

function decodeLong(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]);
  if (bytes[bytes.length - 1] & 0x80) v -= 1n << BigInt(bytes.length * 8);
  if (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(v);
  return v;
}

const FORBIDDEN: Record<number, string> = {
  99: 'GLOBAL',
  147: 'STACK_GLOBAL',
  82: 'REDUCE',
  98: 'BUILD',
  105: 'INST',
  111: 'OBJ',
  129: 'NEWOBJ',
  146: 'NEWOBJ_EX',
  80: 'PERSID',
  81: 'BINPERSID',
  130: 'EXT1',
  131: 'EXT2',
  132: 'EXT4',
  151: 'NEXT_BUFFER',
  152: 'READONLY_BUFFER',
};

/**
 * Decode one pickle. Throws PickleError for truncated, malformed or unsafe input.
 * Trailing bytes after STOP are ignored (as Python's `pickle.loads` does).
 */
export function decodePickle(input: Uint8Array, options: DecodeOptions = {}): unknown {
  const maxValues = options.maxValues ?? 10_000_000;
  const maxMemo = options.maxMemo ?? 1_000_000;
  const buf = input;
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const end = buf.length;
  let pos = 0;
  let created = 0;
  let stack: Stack = [];
  const metastack: Stack[] = [];
  const memo = new Map<number, unknown>();

  const need = (n: number): void => {
    if (n < 0 || pos + n > end) throw new PickleError('pickle data was truncated');
  };
  const take = (n: number): Uint8Array => {
    need(n);
    const s = buf.subarray(pos, pos + n);
    pos += n;
    return s;
  };
  const readLine = (): Uint8Array => {
    const nl = buf.indexOf(0x0a, pos);
    if (nl < 0) throw new PickleError('pickle data was truncated');
    const s = buf.subarray(pos, nl);
    pos = nl + 1;
    return s;
  };
  const lineText = (): string => String.fromCharCode(...readLine());
  const count = (): void => {
    if (++created > maxValues) throw new PickleError('pickle too large');
  };
  const push = (v: unknown): void => {
    count();
    stack.push(v);
  };
  const pop = (): unknown => {
    if (stack.length === 0) throw new PickleError('unpickling stack underflow');
    return stack.pop();
  };
  const top = (): unknown => {
    if (stack.length === 0) throw new PickleError('unpickling stack underflow');
    return stack[stack.length - 1];
  };
  const popMark = (): unknown[] => {
    const items = stack;
    const prev = metastack.pop();
    if (prev === undefined) throw new PickleError('could not find MARK');
    stack = prev;
    return items;
  };
  const checkValue = (v: unknown): unknown => {
    if (v === MARK) throw new PickleError('unexpected MARK');
    return v;
  };
  const memoPut = (idx: number, v: unknown): void => {
    if (memo.size >= maxMemo && !memo.has(idx)) throw new PickleError('memo too large');
    memo.set(idx, v);
  };
  const memoGet = (idx: number): unknown => {
    if (!memo.has(idx)) throw new PickleError(`memo value not found at index ${idx}`);
    return memo.get(idx);
  };
  const asList = (v: unknown): unknown[] => {
    if (!Array.isArray(v) || Object.isFrozen(v)) throw new PickleError('APPEND target is not a list');
    return v;
  };
  const asDict = (v: unknown): Map<unknown, unknown> => {
    if (!(v instanceof Map)) throw new PickleError('SETITEM target is not a dict');
    return v;
  };
  const tuple = (items: unknown[]): unknown[] => Object.freeze(items.map(checkValue)) as unknown[];
  const hashKey = (k: unknown): unknown => {
    if (k !== null && typeof k === 'object' && !Array.isArray(k))
      throw new PickleError('unhashable dict key');
    return k;
  };

  for (;;) {
    need(1);
    const op = buf[pos++];
    switch (op) {
      case 0x80: // PROTO
        take(1);
        break;
      case 0x95: // FRAME: framing is only a read-ahead hint
        take(8);
        break;
      case 0x2e: {
        // STOP
        const v = pop();
        return checkValue(v);
      }
      case 0x28: // MARK
        metastack.push(stack);
        stack = [];
        break;
      case 0x5d: // EMPTY_LIST
        push([]);
        break;
      case 0x6c: // LIST
        push(popMark().map(checkValue));
        break;
      case 0x29: // EMPTY_TUPLE
        push(Object.freeze([]));
        break;
      case 0x74: // TUPLE
        push(tuple(popMark()));
        break;
      case 0x85: // TUPLE1
        push(tuple([pop()]));
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        const a = pop();
        push(tuple([a, b]));
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        const a = pop();
        push(tuple([a, b, c]));
        break;
      }
      case 0x61: {
        // APPEND
        const v = checkValue(pop());
        asList(top()).push(v);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        const list = asList(top());
        for (const v of items) list.push(checkValue(v));
        break;
      }
      case 0x7d: // EMPTY_DICT
        push(new Map());
        break;
      case 0x64: {
        // DICT
        const items = popMark();
        if (items.length % 2) throw new PickleError('odd number of items for DICT');
        const d = new Map<unknown, unknown>();
        for (let i = 0; i < items.length; i += 2)
          d.set(hashKey(checkValue(items[i])), checkValue(items[i + 1]));
        push(d);
        break;
      }
      case 0x73: {
        // SETITEM
        const v = checkValue(pop());
        const k = checkValue(pop());
        asDict(top()).set(hashKey(k), v);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        if (items.length % 2) throw new PickleError('odd number of items for SETITEMS');
        const d = asDict(top());
        for (let i = 0; i < items.length; i += 2)
          d.set(hashKey(checkValue(items[i])), checkValue(items[i + 1]));
        break;
      }
      case 0x30: // POP
        if (stack.length) stack.pop();
        else popMark();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        push(top());
        break;
      case 0x4e: // NONE
        push(null);
        break;
      case 0x88: // NEWTRUE
        push(true);
        break;
      case 0x89: // NEWFALSE
        push(false);
        break;
      case 0x49: {
        // INT: protocol 0; "01"/"00" are bools
        const t = lineText();
        if (t === '01') push(true);
        else if (t === '00') push(false);
        else push(parseIntText(t));
        break;
      }
      case 0x4a: // BININT
        need(4);
        push(dv.getInt32(pos, true));
        pos += 4;
        break;
      case 0x4b: // BININT1
        push(take(1)[0]);
        break;
      case 0x4d: // BININT2
        need(2);
        push(dv.getUint16(pos, true));
        pos += 2;
        break;
      case 0x4c: // LONG
        push(parseIntText(lineText()));
        break;
      case 0x8a: {
        // LONG1
        const n = take(1)[0];
        push(decodeLong(take(n)));
        break;
      }
      case 0x8b: {
        // LONG4
        need(4);
        const n = dv.getInt32(pos, true);
        pos += 4;
        if (n < 0) throw new PickleError('LONG pickle has negative byte count');
        push(decodeLong(take(n)));
        break;
      }
      case 0x46: // FLOAT
        push(parseFloatText(lineText()));
        break;
      case 0x47: // BINFLOAT
        need(8);
        push(dv.getFloat64(pos, false));
        pos += 8;
        break;
      case 0x53: // STRING
        push(parseQuotedString(readLine()));
        break;
      case 0x54: {
        // BINSTRING
        need(4);
        const n = dv.getInt32(pos, true);
        pos += 4;
        if (n < 0) throw new PickleError('BINSTRING pickle has negative byte count');
        push(decodeUtf8(take(n)));
        break;
      }
      case 0x55: // SHORT_BINSTRING
        push(decodeUtf8(take(take(1)[0])));
        break;
      case 0x56: // UNICODE
        push(parseRawUnicode(readLine()));
        break;
      case 0x58: {
        // BINUNICODE
        need(4);
        const n = dv.getUint32(pos, true);
        pos += 4;
        push(decodeUtf8(take(n)));
        break;
      }
      case 0x8c: // SHORT_BINUNICODE
        push(decodeUtf8(take(take(1)[0])));
        break;
      case 0x8d: {
        // BINUNICODE8
        need(8);
        const n = Number(dv.getBigUint64(pos, true));
        pos += 8;
        push(decodeUtf8(take(n)));
        break;
      }
      case 0x42: {
        // BINBYTES
        need(4);
        const n = dv.getUint32(pos, true);
        pos += 4;
        push(Uint8Array.from(take(n)));
        break;
      }
      case 0x43: // SHORT_BINBYTES
        push(Uint8Array.from(take(take(1)[0])));
        break;
      case 0x8e: {
        // BINBYTES8
        need(8);
        const n = Number(dv.getBigUint64(pos, true));
        pos += 8;
        push(Uint8Array.from(take(n)));
        break;
      }
      case 0x70: {
        // PUT
        const idx = parseIntText(lineText());
        memoPut(Number(idx), top());
        break;
      }
      case 0x71: // BINPUT
        memoPut(take(1)[0], top());
        break;
      case 0x72: // LONG_BINPUT
        need(4);
        memoPut(dv.getUint32(pos, true), top());
        pos += 4;
        break;
      case 0x94: // MEMOIZE
        memoPut(memo.size, top());
        break;
      case 0x67: // GET
        push(memoGet(Number(parseIntText(lineText()))));
        break;
      case 0x68: // BINGET
        push(memoGet(take(1)[0]));
        break;
      case 0x6a: // LONG_BINGET
        need(4);
        push(memoGet(dv.getUint32(pos, true)));
        pos += 4;
        break;
      default: {
        const name = FORBIDDEN[op];
        if (name) throw new PickleError(`refusing unsafe opcode ${name}`);
        throw new PickleError(`unsupported opcode 0x${op.toString(16).padStart(2, '0')}`);
      }
    }
  }
}
