/**
 * Python number formatting the CLI output needs: repr(float), str(float), '%f', '%g' with a
 * precision, and '%d'. Exact decimal expansion via BigInt, so rounding matches C's printf
 * (round-half-even on the exact binary value), which JS toFixed does not do.
 */

/** repr(float) / str(float) in Python 3: shortest round-trip digits, python's exponent style. */
export function pyFloatStr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Number.POSITIVE_INFINITY) return 'inf';
  if (x === Number.NEGATIVE_INFINITY) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const [mant, expStr] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = mant.replace('.', '');
  const exp = Number(expStr);
  const decpt = exp + 1;
  if (decpt > 16 || decpt < -3) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : String(Math.abs(exp));
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${e}`;
  }
  if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
  if (decpt >= digits.length) return `${sign}${digits}${'0'.repeat(decpt - digits.length)}.0`;
  return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
}

/** x = mant * 2^e exactly, for a finite non-negative double. */
function decompose(x: number): { mant: bigint; e: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  const mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  return biased === 0 ? { mant, e: -1074 } : { mant: mant | (1n << 52n), e: biased - 1075 };
}

/** Exact decimal expansion of a finite positive double: digits and decimal point position. */
function exactDecimal(x: number): { digits: string; point: number } {
  const { mant, e } = decompose(x);
  if (e >= 0) {
    const s = (mant << BigInt(e)).toString();
    return { digits: s, point: s.length };
  }
  // mant / 2^-e = mant * 5^-e / 10^-e
  const s = (mant * 5n ** BigInt(-e)).toString();
  return { digits: s, point: s.length + e };
}

/** Round an exact digit string to `keep` digits (half-even). Returns digits and new point. */
function roundDigits(digits: string, point: number, keep: number): { digits: string; point: number } {
  if (keep >= digits.length) return { digits: digits + '0'.repeat(keep - digits.length), point };
  if (keep < 0) return { digits: '', point };
  const head = keep === 0 ? 0n : BigInt(digits.slice(0, keep));
  const rest = digits.slice(keep);
  const first = rest.charCodeAt(0) - 48;
  let up = false;
  if (first > 5) up = true;
  else if (first === 5) {
    up = /[1-9]/.test(rest.slice(1)) || head % 2n === 1n;
  }
  let n = up ? head + 1n : head;
  let s = keep === 0 ? (n === 0n ? '' : n.toString()) : n.toString().padStart(keep, '0');
  if (s.length > keep) {
    // carried into a new leading digit
    point += 1;
    if (keep > 0) s = s.slice(0, keep);
    else n = 0n;
  }
  return { digits: s, point };
}

/** '%.<prec>f' % x: x * 10^prec rounded half-even on the exact binary value. */
export function pyFixed(x: number, prec = 6): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const neg = x < 0 || Object.is(x, -0);
  const { mant, e } = decompose(Math.abs(x));
  const num = mant * 10n ** BigInt(prec);
  let q: bigint;
  if (e >= 0) q = num << BigInt(e);
  else {
    const den = 1n << BigInt(-e);
    q = num / den;
    const r2 = (num % den) * 2n;
    if (r2 > den || (r2 === den && q % 2n === 1n)) q += 1n;
  }
  const s = q.toString().padStart(prec + 1, '0');
  const body = prec > 0 ? `${s.slice(0, s.length - prec)}.${s.slice(s.length - prec)}` : s;
  return (neg ? '-' : '') + body;
}

/** '%<width>.<prec>g' % x (no flags), as C printf / Python. */
export function pyGeneral(x: number, prec = 6, width = 0): string {
  let s: string;
  if (Number.isNaN(x)) s = 'nan';
  else if (!Number.isFinite(x)) s = x > 0 ? 'inf' : '-inf';
  else {
    const neg = x < 0 || Object.is(x, -0);
    const P = prec === 0 ? 1 : prec;
    let body: string;
    if (x === 0) body = '0';
    else {
      const ex = exactDecimal(Math.abs(x));
      const r = roundDigits(ex.digits, ex.point, P);
      const X = r.point - 1; // exponent of the leading digit
      let digits = r.digits.replace(/0+$/, '');
      if (digits === '') digits = '0';
      if (X < -4 || X >= P) {
        const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
        const ae = Math.abs(X);
        body = `${m}e${X < 0 ? '-' : '+'}${ae < 10 ? `0${ae}` : ae}`;
      } else if (X < 0) {
        body = `0.${'0'.repeat(-X - 1)}${digits}`;
      } else if (digits.length <= X + 1) {
        body = digits + '0'.repeat(X + 1 - digits.length);
      } else {
        body = `${digits.slice(0, X + 1)}.${digits.slice(X + 1)}`;
      }
    }
    s = (neg ? '-' : '') + body;
  }
  return s.length < width ? ' '.repeat(width - s.length) + s : s;
}
