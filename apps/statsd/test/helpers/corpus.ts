// Packet corpora for the differential tests: hand-written lines for every documented
// behaviour, plus seeded random lines from the StatsD grammar. All of them are inputs on
// which we intend to behave exactly like Etsy (the deviations are tested separately).

export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const HAND_CORPUS = [
  // counters, multi-value, rates
  'a:1|c:2|c',
  'b:1|c|@0.1',
  'third:1|c|@0.3',
  'sp2:1|c|@0.5|extra',
  'neg:-5|c',
  'plus:+10|c',
  'hex:0x10|c',
  'exp:1e3|c',
  'sci:+10e1|c',
  'space: 5|c',
  'inf:Infinity|c',
  'rate0:1|c|@0',
  'rate2e:1|c|@2e-1',
  'ratedot:1|c|@.2',
  'rateint:1|c|@2',
  'ratebad:1|c|@blah',
  'ratebad2:1|c|@',
  'ratebad3:1|c|@-1.0',
  'ratebad4:1|c|@.1.2.3',
  'ratebad5:1|c|b',
  'ratebad6:1|c|',
  'h1:5|h',
  'd1:7|d',
  'empt:1|',
  'unk:3|zz',
  'cnt:|c',
  'comma:0,345|c',
  'oo:1o|c',
  'pm:+-1|c',
  'foo',
  'pk:1:2:3|ms',
  'mixed:1|c:2|ms:3|g',
  '123:1|c',
  '7:2|c',
  '0:1|c',
  '01:1|c',
  '4294967295:1|c',
  '4294967294:1|c',
  ':1|c',
  '...:2|c',
  // sanitising
  'fo/o:1|c',
  'b ar:1|c',
  'foo+bar:1|c',
  'a.b-c_d/e f@g#h:1|c',
  'caf\u00e9:1|c',
  'tab\there:1|c',
  'cr:1|c\r',
  'crms:4|ms\r',
  'negcr:-4|ms\r',
  'trail:1|c ',
  // timers
  'tm:3|ms|@0.5',
  'tm:1|ms',
  'tm2:100|ms',
  'tm2:200|ms',
  'tm2:300|ms',
  'tm10:1|ms:2|ms:3|ms:4|ms:5|ms:6|ms:7|ms:8|ms:9|ms:10|ms',
  'tmone:42|ms',
  'tmtwo:10|ms:20|ms',
  'tmfrac:0.5|ms:1.25|ms:3.75|ms',
  'tmsampled:5|ms|@0.1',
  'negt:-1|ms',
  'zero:0|ms',
  'big:1e21|ms',
  // gauges
  'g1:5|g',
  'g1:+2|g',
  'g1:-10|g',
  'gneg:-5|g',
  'gz:0|g',
  'gz:-3|g',
  'gm0:-0|g',
  'gpm:+-1|g',
  'gbad:x|g',
  'gfrac:0.125|g',
  'ginf:Infinity|g',
  'ginf:-Infinity|g',
  'ginf:+1|g',
  // sets
  'u:|s',
  'u:foo|s',
  'u:bar|s',
  'u:foo|s',
  'u2:1|s:2|s:1|s',
  'scr:foo|s\r',
  'sweird:a b/c|s',
  // Graphite-native and DogStatsD tags (sorted, with values: Etsy-identical)
  'gtag;a=y:1|c|#k:v',
  'dt:1|c|#a:1,b:2',
  'dt:2|c|#a:1,b:2',
  'dtm:5|ms|#env:prod,host:web1',
  'dg:3|g|#region:eu',
  'ds:x|s|#app:one',
  'path:1|c|#path:/a/b c',
  'colons:1|c|#a:b:c',
  'semi:1|c|#k:v;w',
  'dt2:1|c|#z:1|#ignored:2',
  'notag:1|c|#',
];

const NAME_CHARS = 'abcdefghijklmnopqrstuvwxyzABCXYZ0123456789._-/ +@%';
const TYPES = ['c', 'ms', 'g', 's', 'h', 'd', '', 'x', 'ms ', ' c', 'S', 'G'];
const VALUES = [
  '1',
  '0',
  '-1',
  '+1',
  '2.5',
  '-2.5',
  '+3',
  '1e2',
  '0x1f',
  ' 4',
  '',
  'abc',
  '007',
  '.5',
  '5.',
  '1e-3',
  '-0',
  '99999999999',
  '3.14159',
  'NaN',
];
const RATES = ['@0.5', '@.1', '@1', '@0', '@2', '@0.01', '@1e-1', '@blah', '@', '@-0.5', '@..', 'x', ''];

/** Random lines from the grammar, restricted to inputs where we match Etsy exactly. */
export function randomCorpus(n: number, seed: number): string[] {
  const r = prng(seed);
  const pick = <T>(a: readonly T[]) => a[Math.floor(r() * a.length)];
  const name = () => {
    let s = '';
    const len = 1 + Math.floor(r() * 10);
    for (let i = 0; i < len; i++) s += NAME_CHARS[Math.floor(r() * NAME_CHARS.length)];
    return `k${s}`;
  };
  const names = Array.from({ length: 60 }, name);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const key = r() < 0.8 ? pick(names) : name();
    const samples = r() < 0.85 ? 1 : 2 + Math.floor(r() * 3);
    const parts: string[] = [];
    for (let j = 0; j < samples; j++) {
      let field = pick(VALUES);
      const t = r();
      if (t < 0.93) field += `|${pick(TYPES)}`;
      if (t < 0.3) field += `|${pick(RATES)}`;
      parts.push(field);
    }
    let line = `${key}:${parts.join(':')}`;
    if (r() < 0.1) line = key;
    if (r() < 0.1) {
      const tags = ['app:x', 'env:prod', 'host:h1', 'zone:b'].filter(() => r() < 0.5);
      if (tags.length > 0) line += `|#${tags.join(',')}`;
    }
    lines.push(line);
  }
  return lines;
}

/** Packs lines into datagrams of at most `max` bytes (as clients batch them). */
export function packLines(lines: string[], max = 1400): string[] {
  const packets: string[] = [];
  let cur = '';
  for (const l of lines) {
    if (cur.length > 0 && Buffer.byteLength(cur) + 1 + Buffer.byteLength(l) > max) {
      packets.push(cur);
      cur = '';
    }
    cur = cur.length === 0 ? l : `${cur}\n${l}`;
  }
  if (cur.length > 0) packets.push(cur);
  return packets;
}
