import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { encodeCarbonPickle, encodePickle, type PickleValue, Tuple } from '../src/encode.js';

/** Loads pickles with the real CPython unpickler and returns repr() of each. */
function pythonRepr(pickles: Uint8Array[]): string[] {
  const script = [
    'import pickle, sys, json',
    'out = []',
    'for h in json.load(sys.stdin):',
    '    out.append(repr(pickle.loads(bytes.fromhex(h))))',
    'print(json.dumps(out))',
  ].join('\n');
  const input = JSON.stringify(pickles.map((p) => Buffer.from(p).toString('hex')));
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', script], { input }).toString());
}

describe('encodePickle', () => {
  it('round-trips through CPython pickle.loads', () => {
    const cases: [PickleValue, string][] = [
      [null, 'None'],
      [true, 'True'],
      [false, 'False'],
      [0, '0'],
      [-1, '-1'],
      [2147483647, '2147483647'],
      [-2147483648, '-2147483648'],
      [2147483648, '2147483648.0'],
      [1.5, '1.5'],
      [-0, '-0.0'],
      [Number.NaN, 'nan'],
      [Infinity, 'inf'],
      [12345678901234567890n, '12345678901234567890'],
      [-129n, '-129'],
      [0n, '0'],
      ['', "''"],
      ['caf\u00e9 \u{1f600}', "'caf\u00e9 \u{1f600}'"],
      [new Tuple(), '()'],
      [new Tuple(1), '(1,)'],
      [new Tuple(1, 2), '(1, 2)'],
      [new Tuple(1, 2, 3), '(1, 2, 3)'],
      [new Tuple(1, 2, 3, 4), '(1, 2, 3, 4)'],
      [[], '[]'],
      [[1, 'a', [null]], "[1, 'a', [None]]"],
      [new Map<PickleValue, PickleValue>([['k', 1]]), "{'k': 1}"],
      [new Map(), '{}'],
    ];
    const got = pythonRepr(cases.map(([v]) => encodePickle(v)));
    expect(got).toEqual(cases.map(([, r]) => r));
  });

  it('handles lists longer than one APPENDS batch', () => {
    const list = Array.from({ length: 2500 }, (_, i) => i);
    const [repr] = pythonRepr([encodePickle(list)]);
    expect(repr).toBe(`[${list.join(', ')}]`);
  });

  it('rejects values it cannot encode', () => {
    expect(() => encodePickle({} as unknown as PickleValue)).toThrow(TypeError);
  });
});

describe('encodeCarbonPickle', () => {
  it('frames a list of (path, (ts, value)) tuples with a big-endian length', () => {
    const frame = encodeCarbonPickle([
      { path: 'stats.counters.a.count', timestamp: 1700000000, value: 3 },
      { path: 'stats.gauges.g;env=prod', timestamp: 1700000000, value: 0.25 },
    ]);
    const len = new DataView(frame.buffer, frame.byteOffset).getUint32(0, false);
    expect(len).toBe(frame.length - 4);
    const [repr] = pythonRepr([frame.subarray(4)]);
    expect(repr).toBe(
      "[('stats.counters.a.count', (1700000000, 3)), ('stats.gauges.g;env=prod', (1700000000, 0.25))]",
    );
  });
});
