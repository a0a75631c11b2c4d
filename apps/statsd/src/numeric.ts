// Etsy's notion of "numeric": a non-empty string that JavaScript's Number() does not turn
// into NaN (so `+10`, `0x10`, ` 5`, `1e3` and `Infinity` count, `` and `1o` do not).
export function isNumeric(s: string | undefined): s is string {
  return s !== undefined && s.length > 0 && !Number.isNaN(Number(s));
}

const RATE_DIGITS = /^@([\d.]+)/;

/**
 * Sample rate of an `@rate` field: validity as Etsy checks it, value as Etsy extracts it
 * (only the leading `[0-9.]` run, so `@2e-1` is 2). Returns undefined when invalid,
 * including `@+0.5` and `@ 0.5`, which pass Etsy's check and then crash its daemon.
 */
export function parseSampleRate(field: string): number | undefined {
  if (field.length < 2 || field.charCodeAt(0) !== 64 /* @ */) return undefined;
  const num = field.slice(1);
  if (!isNumeric(num) || num.charCodeAt(0) === 45 /* - */) return undefined;
  const m = RATE_DIGITS.exec(field);
  if (m === null) return undefined;
  return Number(m[1]);
}
