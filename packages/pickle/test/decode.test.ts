import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { decodePickle, PickleError } from '../src/decode.js';

// Real pickles produced by CPython for every protocol, decoded by us, compared with the JSON
// CPython itself produces for the same value.
const PY = '/usr/bin/python3';

function pyPickles(expr: string): Array<{ proto: number; pickle: Buffer; json: unknown }> {
  const script = `
import pickle, json, sys, base64
v = ${expr}
def j(x):
    if isinstance(x, float) and x != x: return 'NaN'
    if isinstance(x, float) and x in (float('inf'), float('-inf')): return 'Inf' if x > 0 else '-Inf'
    if isinstance(x, (list, tuple)): return [j(y) for y in x]
    if isinstance(x, dict): return {'__dict__': [[j(k), j(w)] for k, w in x.items()]}
    if isinstance(x, bytes): return {'__bytes__': list(x)}
    if isinstance(x, int) and not isinstance(x, bool) and abs(x) > 2**53: return {'__big__': str(x)}
    return x
out = []
for p in range(3 if isinstance(v, dict) else 0, pickle.HIGHEST_PROTOCOL + 1):
    out.append({'proto': p, 'pickle': base64.b64encode(pickle.dumps(v, protocol=p)).decode(), 'json': j(v)})
print(json.dumps(out))
`;
  const out = JSON.parse(execFileSync(PY, ['-c', script], { maxBuffer: 64 << 20 }).toString());
  return out.map((o: { proto: number; pickle: string; json: unknown }) => ({
    ...o,
    pickle: Buffer.from(o.pickle, 'base64'),
  }));
}

function toJson(x: unknown): unknown {
  if (typeof x === 'number' && Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Inf';
  if (x === -Infinity) return '-Inf';
  if (typeof x === 'bigint') return { __big__: x.toString() };
  if (x instanceof Uint8Array) return { __bytes__: [...x] };
  if (x instanceof Map) return { __dict__: [...x.entries()].map(([k, v]) => [toJson(k), toJson(v)]) };
  if (Array.isArray(x)) return x.map(toJson);
  return x;
}

const CASES = [
  `[('a.b.c', (1700000000, 1.5)), ('x', (1700000010.0, -2))]`,
  `[('carbon.agents.h-a.cpuUsage', (1700000000.25, 0.1)) for _ in range(3)]`,
  `[('m%d' % i, (1700000000 + i, i * 0.5)) for i in range(2500)]`,
  `[(u'caf\\u00e9.\\u2603', (1, float('nan'))), ('inf', (2, float('inf'))), ('ninf', (3, float('-inf')))]`,
  `[('big', (2**40, 2**70)), ('neg', (-1, -(2**31) - 5)), ('small', (255, 65535)), ('b', (True, False))]`,
  // bytes pickle through codecs.encode (a GLOBAL) below protocol 3, so dicts start there
  `{'type': 'cache-query', 'metric': 'a.b', 'list': [1, 2, None], 'raw': b'\\x00\\xffx'}`,
  `('nested', (('a', 'b'), [], (), {}, [[[1]]]))`,
  `"quote ' and \\" and \\\\ and \\n newline \\t tab \\x01"`,
];

describe('decodePickle vs CPython pickle.dumps', () => {
  for (const expr of CASES) {
    it(`decodes every protocol: ${expr.slice(0, 50)}`, () => {
      const pickles = pyPickles(expr);
      expect(pickles.length).toBeGreaterThanOrEqual(3);
      for (const p of pickles) {
        expect({ proto: p.proto, v: toJson(decodePickle(p.pickle)) }).toEqual({ proto: p.proto, v: p.json });
      }
    });
  }

  it("decodes statsd's hand-written protocol 0 with string values", () => {
    const body = "(l(S'stats.a'\n(L1700000000L\nS'1.5'\ntta(S'stats.b'\n(L1700000000L\nS'0'\ntta.";
    expect(decodePickle(Buffer.from(body, 'latin1'))).toEqual([
      ['stats.a', [1700000000, '1.5']],
      ['stats.b', [1700000000, '0']],
    ]);
  });
});

describe('unsafe and malformed input', () => {
  it('refuses pickles that reference globals or call objects (made by CPython)', () => {
    const script = `
import pickle, base64, os, collections
class C:
    pass
for v in [os.system, collections.OrderedDict(a=1), C(), {1, 2}, frozenset([1])]:
    for p in range(0, pickle.HIGHEST_PROTOCOL + 1):
        print(base64.b64encode(pickle.dumps(v, protocol=p)).decode())
`;
    const lines = execFileSync(PY, ['-c', script]).toString().trim().split('\n');
    expect(lines.length).toBeGreaterThan(20);
    for (const l of lines) {
      expect(() => decodePickle(Buffer.from(l, 'base64'))).toThrow(PickleError);
    }
  });

  it('rejects the classic os.system REDUCE payload', () => {
    const evil = Buffer.from("cos\nsystem\n(S'touch /tmp/pwned'\ntR.", 'latin1');
    expect(() => decodePickle(evil)).toThrow(/GLOBAL/);
  });

  it('throws PickleError (never anything else) on every truncation of a valid pickle', () => {
    const [p] = pyPickles(`[('a.b', (1700000000, 1.5)), ('c', (1, 2))]`).slice(2, 3);
    for (let n = 0; n < p.pickle.length; n++) {
      expect(() => decodePickle(p.pickle.subarray(0, n))).toThrow(PickleError);
    }
  });

  it('throws only PickleError on random byte mutations', () => {
    const base = pyPickles(`[('a.b.c', (1700000000, 1.5)) for _ in range(20)]`);
    let seed = 42;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (const p of base) {
      for (let k = 0; k < 400; k++) {
        const b = Buffer.from(p.pickle);
        for (let m = 0; m < 3; m++) b[rnd() % b.length] = rnd() & 0xff;
        try {
          decodePickle(b, { maxValues: 100_000 });
        } catch (e) {
          expect(e).toBeInstanceOf(PickleError);
        }
      }
    }
  });

  it('bounds memory with maxValues', () => {
    // DUP repeated: a tiny payload that would otherwise create many values
    const body = Buffer.concat([Buffer.from(']'), Buffer.alloc(10_000, 0x32), Buffer.from('.')]);
    expect(() => decodePickle(body, { maxValues: 1000 })).toThrow(/too large/);
  });
});
