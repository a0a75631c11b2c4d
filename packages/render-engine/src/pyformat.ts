// Number formatting the way Python prints it, for series names and text outputs.

/** Python repr/str of a float: shortest round-trip digits, '1.0', '1e-05', '1e+16', 'inf', 'nan'. */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Number.POSITIVE_INFINITY) return 'inf';
  if (x === Number.NEGATIVE_INFINITY) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const ax = x < 0 ? -x : x;
  if (ax >= 1e-4 && ax < 1e16) {
    // JS and Python agree on the shortest digits and both use fixed notation in this range,
    // where only integral values lack a '.' in JS
    return Number.isInteger(x) ? `${x}.0` : String(x);
  }
  const [mant, expStr] = x.toExponential().split('e');
  const exp = Number(expStr);
  if (exp < -4 || exp >= 16) {
    const m = mant.includes('.') ? mant : mant;
    const sign = exp < 0 ? '-' : '+';
    const e = Math.abs(exp);
    return `${m}e${sign}${e < 10 ? `0${e}` : e}`;
  }
  const digits = mant.replace('-', '').replace('.', '');
  const neg = x < 0 ? '-' : '';
  let s: string;
  if (exp >= 0) {
    if (digits.length <= exp + 1) s = `${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
    else s = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  } else {
    s = `0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  return neg + s;
}

/** Python str() of a value that is an int in Python when integral and not marked float. */
export function pyNum(x: number, isFloat = false): string {
  if (!isFloat && Number.isInteger(x) && Math.abs(x) < 1e21) return String(x);
  return pyFloat(x);
}

/** Python's '%g' (6 significant digits, trailing zeros stripped). */
export function pyG(x: number, precision = 6): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const p = precision === 0 ? 1 : precision;
  const [, expStr] = x.toExponential(p - 1).split('e');
  const exp = Number(expStr);
  if (exp < -4 || exp >= p) {
    let [m] = x.toExponential(p - 1).split('e');
    if (m.includes('.')) m = m.replace(/0+$/, '').replace(/\.$/, '');
    const e = Math.abs(exp);
    return `${m}e${exp < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`;
  }
  let s = x.toFixed(Math.max(0, p - 1 - exp));
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s;
}

/** Python repr() of a string (single quotes unless the string has one and no double quote). */
export function pyRepr(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = '';
  for (const c of s) {
    if (c === q || c === '\\') out += `\\${c}`;
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else out += c;
  }
  return q + out + q;
}
