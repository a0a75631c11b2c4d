// The byte-level line parser (the fast path of every TCP/UDP line) must accept exactly what the
// text parser accepts (carbon's rules, checked against carbon-cache in carbon-diff.test.ts) and
// read the same numbers, bit for bit: random and adversarial lines through both.

import { expect, it } from 'vitest';
import { type LineSink, NameTable, parseLine, parseLineBytes } from '../src/line-protocol.js';

type Got = [name: string, timestamp: number, value: number] | ['INVALID', string];

function viaBytes(line: string, names?: NameTable): Got {
  // the line sits inside a larger buffer, as it does in a received chunk
  const buf = Buffer.from(`zz\n${line}\nyy`);
  const end = buf.length - 3;
  let got: Got = ['INVALID', '(no callback)'];
  const sink: LineSink = {
    point: (n, t, v) => {
      got = [n, t, v];
    },
    resolved: (m, t, v) => {
      got = [m ?? '(invalid name)', t, v];
    },
    invalid: (l) => {
      got = ['INVALID', l];
    },
  };
  parseLineBytes(buf, 3, end, sink, names);
  return got;
}

function viaText(line: string): Got {
  return parseLine(line) ?? ['INVALID', line];
}

/** Park-Miller PRNG: reproducible lines. */
function rng(seed: number) {
  let s = seed;
  return (n: number) => {
    s = (s * 48271) % 2147483647;
    return s % n;
  };
}

const PIECES = [
  'a',
  'b.c',
  '.',
  ' ',
  '\t',
  '\r',
  '\x0b',
  '\x0c',
  '\x1c',
  '\x1f',
  '\x00',
  '1',
  '0',
  '9',
  '-',
  '+',
  '.5',
  'e',
  'E',
  '_',
  'nan',
  'inf',
  'é',
  '\u00a0',
  '\u2028',
  '\ufeff',
  '12345678901234567',
  '1700000000',
  '0.1',
  'x',
  '1e3',
  '0x10',
  '1_000',
];

it('parses every line exactly like the text parser (300k random and adversarial lines)', () => {
  const r = rng(7);
  // a tiny table, so names are evicted and re-resolved too; identity resolve keeps names visible
  const names = new NameTable((raw) => raw, 50);
  let fast = 0;
  for (let k = 0; k < 300_000; k++) {
    let line = '';
    if (r(3) === 0) for (let j = r(12); j > 0; j--) line += PIECES[r(PIECES.length)];
    else {
      const name = ['a.b', 'xé', 'q', 'servers.web-01.cpu'][r(4)];
      const sep = [' ', '\t', '  ', '\u00a0', '\x1c'][r(5)];
      const value = ((r(2) ? -1 : 1) * r(1e6)) / [1, 10, 1000, 7, 1e-9][r(5)];
      const ts = r(2e9) / [1, 10, 100][r(3)];
      line = `${name}${sep}${value}${[' ', '\t', ' \r'][r(3)]}${ts}${['', ' ', '\r', ' x', '\n'][r(5)]}`;
    }
    if (line.includes('\n')) continue; // lines never contain the separator
    const want = viaText(line);
    for (const got of [viaBytes(line), viaBytes(line, names)]) {
      if (got[0] !== want[0] || !Object.is(got[1], want[1]) || !Object.is(got[2], want[2]))
        expect({ line, got }).toEqual({ line, got: want });
    }
    if (want[0] !== 'INVALID') fast++;
  }
  // both kinds of line were exercised
  expect(fast).toBeGreaterThan(100_000);
});

it('reads decimal numbers bit for bit like Python float() (15 significant digits and below)', () => {
  const r = rng(11);
  for (let k = 0; k < 100_000; k++) {
    const digits = String(r(1e9)) + String(r(1e6));
    const cut = r(digits.length + 1);
    const num = `${r(2) ? '-' : ''}${digits.slice(0, cut)}.${digits.slice(cut)}`;
    const got = viaBytes(`m ${num} 1700000000`);
    expect(Object.is(got[2], Number(num))).toBe(true);
  }
});

it('a repeated name whose hash collides with another is still told apart', () => {
  // force every name into one bucket: the table must compare the bytes, not trust the hash
  const names = new NameTable((raw) => `resolved:${raw}`, 1_000_000);
  const get = names.get.bind(names);
  names.get = (b, s, e) => get(b, s, e, 42);
  expect(viaBytes('a.b 1 2', names)[0]).toBe('resolved:a.b');
  expect(viaBytes('a.c 1 2', names)[0]).toBe('resolved:a.c');
  expect(viaBytes('a.b 1 2', names)[0]).toBe('resolved:a.b');
});
