// Python's float() and int() for the text that carbon's receivers parse: underscores between
// digits, surrounding whitespace, nan/inf/infinity in any case are accepted; anything else is not.

const DEC = /^[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$/;
const SPECIAL = /^([+-]?)(nan|inf|infinity)$/i;

/** Python float(str); undefined when Python would raise ValueError. */
export function pyFloat(text: string): number | undefined {
  const t = text.trim();
  if (DEC.test(t)) return Number(t.includes('_') ? t.replaceAll('_', '') : t);
  const m = SPECIAL.exec(t);
  if (!m) return undefined;
  if (m[2].toLowerCase() === 'nan') return Number.NaN;
  return m[1] === '-' ? -Infinity : Infinity;
}

/** Python float() of a pickled value: numbers, booleans and numeric strings. */
export function pyFloatOf(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') return pyFloat(v);
  return undefined;
}
