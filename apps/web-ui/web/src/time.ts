// Time ranges: graphite at-time strings are passed through; "YYYY-MM-DD HH:MM" local dates become epochs.

export interface TimeRange {
  from: string;
  until: string;
}

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** Normalises what a user typed into something /render accepts. */
export function toAtTime(input: string): string {
  const value = input.trim();
  const m = LOCAL_DATE.exec(value);
  if (!m) return value;
  const date = new Date(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
  return String(Math.floor(date.getTime() / 1000));
}

const UNIT_SECONDS: Record<string, number> = {
  s: 1,
  sec: 1,
  second: 1,
  seconds: 1,
  min: 60,
  minute: 60,
  minutes: 60,
  h: 3600,
  hour: 3600,
  hours: 3600,
  d: 86400,
  day: 86400,
  days: 86400,
  w: 604800,
  week: 604800,
  weeks: 604800,
  mon: 2592000,
  month: 2592000,
  months: 2592000,
  y: 31536000,
  year: 31536000,
  years: 31536000,
};

/** Best-effort conversion to epoch seconds for drawing (the server does the authoritative parsing). */
export function toEpoch(at: string, now = Date.now() / 1000): number {
  const value = at.trim();
  if (value === '' || value === 'now') return now;
  if (/^\d+$/.test(value)) return Number(value);
  const rel = /^([+-])(\d+)([a-z]+)$/i.exec(value);
  if (rel) {
    const unit = UNIT_SECONDS[rel[3].toLowerCase()];
    if (unit) return now + (rel[1] === '-' ? -1 : 1) * Number(rel[2]) * unit;
  }
  return now;
}

export function isRelative(range: TimeRange): boolean {
  return (range.until.trim() === '' || range.until.trim() === 'now') && !/^\d+$/.test(range.from.trim());
}
