// graphite-web's parseATTime (render/attime.py): absolute and relative times in a request time zone.

import { InputParameterError } from './errors.js';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** True when the IANA zone is known (graphite-web silently falls back to the default otherwise). */
export function isValidTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

export interface WallTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** Wall-clock fields of an epoch instant in a zone. */
export function wallTime(epoch: number, tz: string): WallTime {
  const parts = formatter(tz).formatToParts(new Date(epoch * 1000));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

/** UTC offset (seconds) of the zone at an instant. */
export function tzOffset(epoch: number, tz: string): number {
  const w = wallTime(Math.floor(epoch), tz);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) / 1000 - Math.floor(epoch);
}

/**
 * Epoch of a wall-clock time in a zone, like pytz's localize(is_dst=False): for an ambiguous time
 * (autumn overlap) the standard-time reading, for a skipped time (spring gap) the pre-gap offset.
 */
export function localize(w: WallTime, tz: string): number {
  const naive = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) / 1000;
  const offsets = new Set([tzOffset(naive - 86400, tz), tzOffset(naive, tz), tzOffset(naive + 86400, tz)]);
  const candidates: Array<{ epoch: number; offset: number }> = [];
  for (const off of offsets) {
    const e = naive - off;
    if (tzOffset(e, tz) === off) candidates.push({ epoch: e, offset: off });
  }
  if (candidates.length === 1) return candidates[0].epoch;
  const sorted = [...offsets].sort((a, b) => a - b);
  if (candidates.length > 1) {
    // ambiguous: standard time is the smaller offset (the later instant)
    candidates.sort((a, b) => a.offset - b.offset);
    return candidates[0].epoch;
  }
  // skipped: interpret with the standard (smaller) offset, as pytz does with is_dst=False
  return naive - sorted[0];
}

/** Days in a month (month 1-12). */
function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function checkedDate(year: number, month: number, day: number, hour: number, minute: number): WallTime {
  if (month < 1 || month > 12) throw new InputParameterError('month must be in 1..12');
  if (day < 1 || day > daysIn(year, month)) throw new InputParameterError('day is out of range for month');
  if (hour > 23) throw new InputParameterError('hour must be in 0..23');
  if (minute > 59) throw new InputParameterError('minute must be in 0..59');
  if (year < 1 || year > 9999) throw new InputParameterError(`year ${year} is out of range`);
  return { year, month, day, hour, minute, second: 0 };
}

const isDigits = (s: string) => s.length > 0 && /^[0-9]+$/.test(s);

/**
 * Parses a graphite time (`-1d`, `now`, `midnight`, `HH:MM_YYYYMMDD`, epoch seconds...) to epoch
 * seconds. `now` is the reference instant (epoch seconds), `tz` the IANA zone.
 */
export function parseATTime(input: string, tz = 'UTC', now = Date.now() / 1000): number {
  const s = String(input).trim().toLowerCase().replace(/[_, ]/g, '');
  if (isDigits(s)) {
    const dateLike =
      s.length === 8 && Number(s.slice(0, 4)) > 1900 && Number(s.slice(4, 6)) < 13 && Number(s.slice(6)) < 32;
    if (!dateLike) return Number(s);
  }
  let ref: string;
  let offset: string;
  const plus = s.indexOf('+');
  const minus = s.indexOf('-');
  if (plus >= 0) {
    ref = s.slice(0, plus);
    offset = s.slice(plus);
  } else if (minus >= 0) {
    ref = s.slice(0, minus);
    offset = s.slice(minus);
  } else {
    ref = s;
    offset = '';
  }
  return parseTimeReference(ref, tz, now) + parseTimeOffset(offset);
}

function parseTimeReference(refIn: string, tz: string, now: number): number {
  if (!refIn || refIn === 'now') return Math.floor(now);
  let ref = refIn;
  let hour = 0;
  let minute = 0;
  let i = ref.indexOf(':');
  if (i > 0 && i < 3) {
    hour = pyInt(ref.slice(0, i));
    minute = pyInt(ref.slice(i + 1, i + 3));
    ref = ref.slice(i + 3);
    if (ref.startsWith('am')) ref = ref.slice(2);
    else if (ref.startsWith('pm')) {
      hour = (hour + 12) % 24;
      ref = ref.slice(2);
    }
  }
  i = ref.indexOf('am');
  if (i > 0 && i < 3) {
    hour = pyInt(ref.slice(0, i));
    ref = ref.slice(i + 2);
  }
  i = ref.indexOf('pm');
  if (i > 0 && i < 3) {
    hour = (pyInt(ref.slice(0, i)) + 12) % 24;
    ref = ref.slice(i + 2);
  }
  if (ref.startsWith('noon')) {
    [hour, minute] = [12, 0];
    ref = ref.slice(4);
  } else if (ref.startsWith('midnight')) {
    [hour, minute] = [0, 0];
    ref = ref.slice(8);
  } else if (ref.startsWith('teatime')) {
    [hour, minute] = [16, 0];
    ref = ref.slice(7);
  }
  const n = wallTime(Math.floor(now), tz);
  let date = checkedDate(n.year, n.month, n.day, hour, minute);
  const shiftDays = (w: WallTime, days: number): WallTime => {
    const d = new Date(Date.UTC(w.year, w.month - 1, w.day + days));
    return { ...w, year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
  };
  if (ref === 'yesterday' || ref === 'today' || ref === 'tomorrow') {
    if (ref === 'yesterday') date = shiftDays(date, -1);
    else if (ref === 'tomorrow') date = shiftDays(date, 1);
  } else if (ref.split('/').length === 3) {
    const [m, d, y0] = ref.split('/').map(pyInt);
    let y = y0;
    if (y < 1900) y += 1900;
    if (y < 1970) y += 100;
    date = checkedDate(y, m, d, hour, minute);
  } else if (ref.length === 8 && isDigits(ref)) {
    date = checkedDate(
      Number(ref.slice(0, 4)),
      Number(ref.slice(4, 6)),
      Number(ref.slice(6, 8)),
      hour,
      minute,
    );
  } else if (MONTHS.includes(ref.slice(0, 3))) {
    let d: number;
    if (isDigits(ref.slice(-2))) d = Number(ref.slice(-2));
    else if (isDigits(ref.slice(-1))) d = Number(ref.slice(-1));
    else throw new InputParameterError('Day of month required after month name');
    date = checkedDate(date.year, MONTHS.indexOf(ref.slice(0, 3)) + 1, d, hour, minute);
  } else if (WEEKDAYS.includes(ref.slice(0, 3))) {
    const today = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
    let dayOffset = today - WEEKDAYS.indexOf(ref.slice(0, 3));
    if (dayOffset < 0) dayOffset += 7;
    date = shiftDays(date, -dayOffset);
  } else if (ref) {
    throw new InputParameterError(`Unknown day reference: ${refIn}`);
  }
  return localize(date, tz);
}

function pyInt(s: string): number {
  const t = s.trim();
  if (!/^[+-]?[0-9]+$/.test(t))
    throw new InputParameterError(`invalid literal for int() with base 10: '${s}'`);
  return Number(t);
}

const UNIT_SECONDS: Array<[string, number]> = [
  ['s', 1],
  ['min', 60],
  ['h', 3600],
  ['d', 86400],
  ['w', 7 * 86400],
  ['mon', 30 * 86400],
  ['y', 365 * 86400],
];

/** Seconds of a unit name, matched by prefix like graphite-web's getUnitString ('m' alone is invalid). */
export function unitSeconds(unit: string): number {
  for (const [prefix, secs] of UNIT_SECONDS) if (unit.startsWith(prefix)) return secs;
  throw new InputParameterError(`Invalid offset unit '${unit}'`);
}

/** parseTimeOffset: `[+-]N<unit>[N<unit>...]` to signed seconds. */
export function parseTimeOffset(offsetIn: string): number {
  let offset = offsetIn;
  if (!offset) return 0;
  let sign = 1;
  if (!/[0-9]/.test(offset[0])) {
    if (offset[0] === '+') sign = 1;
    else if (offset[0] === '-') sign = -1;
    else throw new InputParameterError(`Invalid offset: ${offset}`);
    offset = offset.slice(1);
  }
  let total = 0;
  while (offset) {
    const num = /^[0-9]*/.exec(offset)?.[0] ?? '';
    if (!num) throw new InputParameterError(`Invalid offset: ${offsetIn}`);
    offset = offset.slice(num.length);
    const unit = /^[a-zA-Z]*/.exec(offset)?.[0] ?? '';
    offset = offset.slice(unit.length);
    total += sign * Number(num) * unitSeconds(unit);
  }
  return total;
}
