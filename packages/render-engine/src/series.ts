// graphite-web's TimeSeries: a named, evenly stepped list of values plus the metadata functions carry.

export type Value = number | null;

/**
 * A series' values as columns, `data[i]` where `nulls[i]` is 0, null where it is 1. Stores hand
 * these over instead of `Value[]`: a boxed array of 1e5+ doubles that lives across a request's
 * awaits is what makes V8's young-generation GC expensive; typed arrays live off the JS heap.
 */
export interface PackedValues {
  data: Float64Array;
  nulls: Uint8Array;
}

/** Boxed values of a packed column (a fresh array). */
export function unpackValues(p: PackedValues): Value[] {
  const n = p.data.length;
  const out: Value[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = p.nulls[i] ? null : p.data[i];
  return out;
}

export interface SeriesInit {
  name: string;
  start: number;
  end: number;
  step: number;
  /** The values; or `packed` instead (materialised into `values` on first use, never mutated). */
  values?: Value[];
  packed?: PackedValues;
  pathExpression?: string;
  tags?: Record<string, string>;
  xFilesFactor?: number;
  consolidationFunc?: string;
  valuesPerPoint?: number;
  options?: Record<string, unknown>;
}

const FUNCTION_SHAPED = /^[a-z]+[(].+[)]$/i;

/** Tags graphite-web derives from a series name: `name;k=v` is parsed, function-shaped names are not. */
export function tagsFromName(name: string): Record<string, string> {
  if (FUNCTION_SHAPED.test(name)) return { name };
  return parseTaggedName(name) ?? { name };
}

/** Parses `name;k=v;k2=v2` (carbon format); returns undefined when it is not a valid tagged name. */
export function parseTaggedName(path: string): Record<string, string> | undefined {
  const parts = path.split(';');
  const rawName = parts[0].replace(/^~+/, '');
  if (rawName === '') return undefined;
  const tags: Record<string, string> = {};
  for (const part of parts.slice(1)) {
    const eq = part.indexOf('=');
    if (eq <= 0) return undefined;
    const key = part.slice(0, eq);
    const value = part.slice(eq + 1);
    if (/[;!^=]/.test(key) || value === '' || value.startsWith('~')) return undefined;
    tags[key] = value;
  }
  tags.name = rawName;
  return tags;
}

export class Series {
  name: string;
  pathExpression: string;
  tags: Record<string, string>;
  start: number;
  end: number;
  step: number;
  xFilesFactor: number;
  consolidationFunc: string;
  valuesPerPoint: number;
  options: Record<string, unknown>;
  private boxed: Value[] | undefined;
  private column: PackedValues | undefined;

  constructor(init: SeriesInit) {
    this.name = init.name;
    this.start = init.start;
    this.end = init.end;
    this.step = init.step;
    this.boxed = init.values ?? (init.packed ? undefined : []);
    this.column = init.values ? undefined : init.packed;
    this.pathExpression = init.pathExpression ?? init.name;
    this.tags = init.tags ? stringifyTags(init.tags) : tagsFromName(init.name);
    this.xFilesFactor = init.xFilesFactor ?? 0;
    this.consolidationFunc = init.consolidationFunc ?? 'average';
    this.valuesPerPoint = init.valuesPerPoint ?? 1;
    this.options = init.options ?? {};
  }

  /**
   * graphite-web's TimeSeries.copy: like it, the copy's pathExpression becomes its (new) name
   * unless given, valuesPerPoint resets to 1 and options are not carried over.
   */
  copy(overrides: Partial<SeriesInit> = {}): Series {
    const name = overrides.name ?? this.name;
    return new Series({
      name,
      start: overrides.start ?? this.start,
      end: overrides.end ?? this.end,
      step: overrides.step ?? this.step,
      // a packed column is shared: it is never written (writes box a fresh array first)
      ...(overrides.values || overrides.packed
        ? { values: overrides.values, packed: overrides.packed }
        : this.column
          ? { packed: this.column }
          : { values: this.values.slice() }),
      pathExpression: overrides.pathExpression ?? name,
      tags: overrides.tags ?? { ...this.tags },
      xFilesFactor: overrides.xFilesFactor ?? this.xFilesFactor,
      consolidationFunc: overrides.consolidationFunc ?? this.consolidationFunc,
      valuesPerPoint: overrides.valuesPerPoint ?? 1,
      options: overrides.options ?? {},
    });
  }

  /** A full clone (same pathExpression, options, valuesPerPoint): for functions that mutate in place. */
  clone(): Series {
    return new Series({
      name: this.name,
      start: this.start,
      end: this.end,
      step: this.step,
      ...(this.column ? { packed: this.column } : { values: this.values.slice() }),
      pathExpression: this.pathExpression,
      tags: { ...this.tags },
      xFilesFactor: this.xFilesFactor,
      consolidationFunc: this.consolidationFunc,
      valuesPerPoint: this.valuesPerPoint,
      options: { ...this.options },
    });
  }

  /** The values (boxed on first use when the series was built from a packed column). */
  get values(): Value[] {
    if (this.boxed === undefined) {
      this.boxed = unpackValues(this.column as PackedValues);
      this.column = undefined;
    }
    return this.boxed;
  }
  set values(v: Value[]) {
    this.boxed = v;
    this.column = undefined;
  }

  /** Number of values, without boxing a packed column. */
  get length(): number {
    return this.boxed ? this.boxed.length : (this.column as PackedValues).data.length;
  }

  /** The packed column while the values have not been boxed yet (read-only). */
  get packed(): PackedValues | undefined {
    return this.column;
  }

  /** Values after runtime consolidation by valuesPerPoint (what graphite-web's __iter__ yields). */
  consolidatedValues(): Value[] {
    if (this.column && this.valuesPerPoint > 1) {
      // read a temporary boxed copy rather than keeping one alive for the rest of the request
      const tmp = unpackValues(this.column);
      return consolidate(tmp, this.valuesPerPoint, this.consolidationFunc, this.xFilesFactor);
    }
    return consolidate(this.values, this.valuesPerPoint, this.consolidationFunc, this.xFilesFactor);
  }

  /**
   * Like consolidatedValues, for callers that only read the result once (ranking, scoring): a
   * packed series is not boxed for good.
   */
  peekConsolidatedValues(): Value[] {
    if (this.column && this.valuesPerPoint <= 1) return unpackValues(this.column);
    return this.consolidatedValues();
  }

  /** Sets the tag the way graphite-web's Tags mapping does (values always strings). */
  setTag(key: string, value: unknown): void {
    this.tags[key] = String(value);
  }
}

function stringifyTags(tags: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags)) out[k] = String(v);
  return out;
}

export const CONSOLIDATION_FUNCS = ['sum', 'average', 'avg', 'avg_zero', 'min', 'max', 'first', 'last'];

/** graphite-web's consolidating generator: groups of vpp, xff ratio over the full vpp, trailing partial group. */
export function consolidate(values: Value[], vpp: number, func: string, xff: number): Value[] {
  if (vpp <= 1) return values;
  const f = func === 'avg' ? 'average' : func;
  if (!CONSOLIDATION_FUNCS.includes(f)) throw new Error(`Invalid consolidation function: '${func}'`);
  const out: Value[] = [];
  // one pass per bucket without temporaries; sums run in value order like Python's sum()
  for (let i = 0; i < values.length; i += vpp) {
    const stop = Math.min(values.length, i + vpp);
    let nonNull = 0;
    let sum = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let first: number | null = null;
    let last: number | null = null;
    for (let j = i; j < stop; j++) {
      const v = values[j];
      if (v === null) continue;
      nonNull++;
      sum += v;
      // Python's min/max keep the first of equal values and compare with < / >
      if (v < min || nonNull === 1) min = v;
      if (v > max || nonNull === 1) max = v;
      if (first === null) first = v;
      last = v;
    }
    if (!nonNull || nonNull / vpp < xff) {
      out.push(null);
      continue;
    }
    switch (f) {
      case 'sum':
        out.push(sum);
        break;
      case 'average':
        out.push(sum / nonNull);
        break;
      case 'avg_zero':
        out.push(sum / (stop - i));
        break;
      case 'max':
        out.push(max);
        break;
      case 'min':
        out.push(min);
        break;
      case 'first':
        out.push(first);
        break;
      default:
        out.push(last);
    }
  }
  return out;
}
