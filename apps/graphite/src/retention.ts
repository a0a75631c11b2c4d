// Retention definitions (`10s:6h,1m:7d`) as whisper's parseRetentionDef accepts them (a superset
// of carbon's stricter copy) and whisper's archive-list validation.

export interface ArchiveSpec {
  secondsPerPoint: number;
  points: number;
}

const UNITS: Array<[string, number]> = [
  ['seconds', 1],
  ['minutes', 60],
  ['hours', 3600],
  ['days', 86400],
  ['weeks', 604800],
  ['years', 31536000],
];

function unitSeconds(u: string): number {
  for (const [name, secs] of UNITS) if (name.startsWith(u)) return secs;
  throw new Error(`Invalid unit '${u}'`);
}

export function parseRetentionDef(def: string): ArchiveSpec {
  const d = def.trim();
  const colon = d.indexOf(':');
  if (colon < 0) throw new Error(`Invalid retention definition '${d}'`);
  const p = d.slice(0, colon);
  const r = d.slice(colon + 1);
  let precision: number;
  if (/^\d+$/.test(p)) precision = Number(p);
  else {
    const m = /^(\d+)([a-z]+)$/.exec(p);
    if (!m) throw new Error(`Invalid precision specification '${p}'`);
    precision = Number(m[1]) * unitSeconds(m[2]);
  }
  let points: number;
  if (/^\d+$/.test(r)) points = Number(r);
  else {
    const m = /^(\d+)([a-z]+)$/.exec(r);
    if (!m) throw new Error(`Invalid retention specification '${r}'`);
    points = Math.floor((Number(m[1]) * unitSeconds(m[2])) / precision);
  }
  if (!(precision > 0) || !(points > 0)) throw new Error(`Invalid retention definition '${d}' (zero)`);
  return { secondsPerPoint: precision, points };
}

export function parseRetentions(list: string): ArchiveSpec[] {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(parseRetentionDef);
}

/** whisper.validateArchiveList; returns the list sorted by precision, throws on invalid lists. */
export function validateArchives(archives: ArchiveSpec[]): ArchiveSpec[] {
  const a = [...archives].sort((x, y) => x.secondsPerPoint - y.secondsPerPoint);
  if (a.length === 0) throw new Error('You must specify at least one archive configuration!');
  for (let i = 0; i + 1 < a.length; i++) {
    const cur = a[i];
    const next = a[i + 1];
    if (cur.secondsPerPoint === next.secondsPerPoint) throw new Error('two archives with the same precision');
    if (next.secondsPerPoint % cur.secondsPerPoint !== 0) throw new Error('precision must evenly divide');
    if (next.secondsPerPoint * next.points <= cur.secondsPerPoint * cur.points) {
      throw new Error('Lower precision archives must cover larger time intervals');
    }
    if (cur.points < next.secondsPerPoint / cur.secondsPerPoint) {
      throw new Error('Each archive must have at least enough points to consolidate to the next archive');
    }
  }
  return a;
}
