/** Python's int(str), float(str), repr of info structures and time.ctime, for the CLI. */
import { pyFloatStr } from './pyfmt.js';

const WS = /^[\s]+|[\s]+$/g;

/** int(s) for base 10: optional sign, digits with single underscores between them. null if invalid. */
export function pyInt(s: string): number | null {
  const t = s.replace(WS, '');
  if (!/^[+-]?\d+(_\d+)*$/.test(t)) return null;
  return Number.parseInt(t.replace(/_/g, ''), 10);
}

/** float(s): decimal/exponent forms, underscores between digits, nan/inf/infinity. null if invalid. */
export function pyFloat(s: string): number | null {
  const t = s.replace(WS, '');
  const m = /^([+-]?)(nan|inf|infinity)$/i.exec(t);
  if (m) {
    if (m[2]!.toLowerCase() === 'nan') return Number.NaN;
    return m[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  const digits = String.raw`\d+(?:_\d+)*`;
  const re = new RegExp(`^[+-]?(?:${digits}(?:\\.(?:${digits})?)?|\\.${digits})(?:[eE][+-]?${digits})?$`);
  if (!re.test(t)) return null;
  return Number(t.replace(/_/g, ''));
}

/** repr() of the plain data whisper.info() returns (dict, list, str, int, float). */
export function pyRepr(v: unknown, floatKeys: ReadonlySet<string> = new Set()): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : pyFloatStr(v);
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (Array.isArray(v)) return `[${v.map((x) => pyRepr(x, floatKeys)).join(', ')}]`;
  const entries = Object.entries(v as Record<string, unknown>).map(
    ([k, x]) => `'${k}': ${floatKeys.has(k) && typeof x === 'number' ? pyFloatStr(x) : pyRepr(x, floatKeys)}`,
  );
  return `{${entries.join(', ')}}`;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => String(n).padStart(2, '0');

/** time.ctime(t): local time, "Sat Nov  1 08:49:00 2026". */
export function pyCtime(t: number): string {
  const d = new Date(t * 1000);
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]}${String(d.getDate()).padStart(3, ' ')} ${p2(d.getHours())}:${p2(
    d.getMinutes(),
  )}:${p2(d.getSeconds())} ${d.getFullYear()}`;
}

const FULL_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const FULL_MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** time.strftime(fmt, time.localtime(t)) for the common C-locale directives. */
export function pyStrftime(fmt: string, t: number): string {
  const d = new Date(t * 1000);
  const start = new Date(d.getFullYear(), 0, 1);
  const yday =
    Math.round(
      (new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime() - start.getTime()) / 86400000,
    ) + 1;
  const off = -d.getTimezoneOffset();
  const h12 = d.getHours() % 12 === 0 ? 12 : d.getHours() % 12;
  return fmt.replace(/%([a-zA-Z%])/g, (all, c: string) => {
    switch (c) {
      case 'a':
        return DAYS[d.getDay()]!;
      case 'A':
        return FULL_DAYS[d.getDay()]!;
      case 'b':
      case 'h':
        return MONTHS[d.getMonth()]!;
      case 'B':
        return FULL_MONTHS[d.getMonth()]!;
      case 'c':
        return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())} ${d.getFullYear()}`;
      case 'd':
        return p2(d.getDate());
      case 'e':
        return String(d.getDate()).padStart(2, ' ');
      case 'H':
        return p2(d.getHours());
      case 'I':
        return p2(h12);
      case 'j':
        return String(yday).padStart(3, '0');
      case 'm':
        return p2(d.getMonth() + 1);
      case 'M':
        return p2(d.getMinutes());
      case 'p':
        return d.getHours() < 12 ? 'AM' : 'PM';
      case 'S':
        return p2(d.getSeconds());
      case 's':
        return String(Math.floor(t));
      case 'u':
        return String(d.getDay() === 0 ? 7 : d.getDay());
      case 'w':
        return String(d.getDay());
      case 'y':
        return p2(d.getFullYear() % 100);
      case 'Y':
        return String(d.getFullYear());
      case 'F':
        return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}`;
      case 'T':
        return `${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
      case 'D':
        return `${p2(d.getMonth() + 1)}/${p2(d.getDate())}/${p2(d.getFullYear() % 100)}`;
      case 'R':
        return `${p2(d.getHours())}:${p2(d.getMinutes())}`;
      case 'z':
        return `${off < 0 ? '-' : '+'}${p2(Math.floor(Math.abs(off) / 60))}${p2(Math.abs(off) % 60)}`;
      case 'Z':
        return new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' })
          .formatToParts(d)
          .find((x) => x.type === 'timeZoneName')!.value;
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case '%':
        return '%';
      default:
        return all;
    }
  });
}
