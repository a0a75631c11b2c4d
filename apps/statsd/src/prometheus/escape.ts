// statsd_exporter's metric-name escaping: anything outside [A-Za-z0-9_] becomes `_` (per
// code point), a `-` right after a `-` is dropped, and a leading digit gets a `_` prefix.

const SIMPLE = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function escapeMetricName(name: string): string {
  if (name.length === 0) return '';
  if (SIMPLE.test(name)) return name;
  let out = '';
  let prevDash = false;
  for (const ch of name) {
    const c = ch.codePointAt(0)!;
    const ok = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
    if (ch === '-') {
      if (!prevDash) out += '_';
      prevDash = true;
      continue;
    }
    prevDash = false;
    out += ok ? ch : '_';
  }
  const c0 = out.charCodeAt(0);
  if (c0 >= 48 && c0 <= 57) out = `_${out}`;
  return out;
}
