// Alias: renaming series (alias, aliasByNode, aliasSub with Python regex semantics, ...).

import { InputParameterError } from '../errors.js';
import type { Series, Value } from '../series.js';
import {
  aggKey,
  getAggFunc,
  pyFloat,
  pySub,
  SORTED_AGG_FUNC_NAMES,
  safeLast,
  safeMax,
  safeMin,
} from './helpers.js';
import { type ParamDef, registerFunction } from './registry.js';

const SL: ParamDef = { name: 'seriesList', type: 'seriesList', required: true };

registerFunction({
  name: 'alias',
  group: 'Alias',
  description: 'Renames every series to the given name.',
  params: [SL, { name: 'newName', type: 'string', required: true }],
  fn: (_ctx, seriesList: Series[], newName: string) => {
    for (const s of seriesList) s.name = String(newName);
    return seriesList;
  },
});

registerFunction({
  name: 'aliasByNode',
  group: 'Alias',
  description: 'Renames each series to the selected nodes (or tag values) of its name, joined by ".".',
  params: [SL, { name: 'nodes', type: 'nodeOrTag', required: true, multiple: true }],
  fn: (_ctx, seriesList: Series[], ...nodes: unknown[]) => {
    for (const s of seriesList) s.name = aggKey(s, nodes);
    return seriesList;
  },
});

registerFunction({
  name: 'aliasByTags',
  group: 'Alias',
  description: 'Renames each series to the given tag values (or nodes), joined by ".".',
  params: [SL, { name: 'tags', type: 'nodeOrTag', required: true, multiple: true }],
  fn: (_ctx, seriesList: Series[], ...tags: unknown[]) => {
    for (const s of seriesList) s.name = aggKey(s, tags);
    return seriesList;
  },
});

/** graphite-web's substr over the innermost name: the text between the last '(' and the first ')'. */
export function substrNames(seriesList: Series[], start = 0, stop = 0): Series[] {
  for (const s of seriesList) {
    const left = s.name.lastIndexOf('(') + 1;
    let right = s.name.indexOf(')');
    if (right < 0) right = s.name.length + 1;
    const clean = right >= left ? s.name.slice(left, right) : '';
    const parts = clean.split('.');
    const norm = (i: number) => (i < 0 ? Math.max(0, parts.length + i) : Math.min(i, parts.length));
    const picked = stop === 0 ? parts.slice(norm(start)) : parts.slice(norm(start), norm(stop));
    s.name = picked.join('.').replace(/,.*$/s, '');
  }
  return seriesList;
}

registerFunction({
  name: 'aliasByMetric',
  group: 'Alias',
  description: 'Renames each series to the last node of its innermost metric path.',
  params: [SL],
  fn: (_ctx, seriesList: Series[]) => substrNames(seriesList, -1, 0),
});

registerFunction({
  name: 'aliasSub',
  group: 'Alias',
  description:
    'Regex search and replace on each name (Python re.sub: every match, \\1 and \\g<name> back-references).',
  params: [
    SL,
    { name: 'search', type: 'string', required: true },
    { name: 'replace', type: 'string', required: true },
  ],
  fn: (_ctx, seriesList: Series[], search: string, replace: string) => {
    for (const s of seriesList) s.name = pySub(String(search), String(replace), s.name);
    return seriesList;
  },
});

/** Python's `newName % value` for a single float argument (%s, %d, %f, %.2f, %g, %%). */
function percentFormat(template: string, value: number): string {
  return template.replace(/%(%|[-+ 0#]*\d*(?:\.\d+)?[sdifgGeExr])/g, (_m, spec: string) => {
    if (spec === '%') return '%';
    const conv = spec[spec.length - 1];
    const prec = /\.(\d+)/.exec(spec)?.[1];
    switch (conv) {
      case 's':
      case 'r':
        return pyFloat(value);
      case 'd':
      case 'i':
        return String(Math.trunc(value));
      case 'f':
        return value.toFixed(prec !== undefined ? Number(prec) : 6);
      case 'e':
      case 'E': {
        const [mant, exp] = value.toExponential(prec !== undefined ? Number(prec) : 6).split('e');
        const e = Number(exp);
        const s = `${mant}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
        return conv === 'E' ? s.toUpperCase() : s;
      }
      default:
        return String(Number(value.toPrecision(prec !== undefined ? Math.max(1, Number(prec)) : 6)));
    }
  });
}

registerFunction({
  name: 'aliasQuery',
  group: 'Alias',
  description:
    'Names each series from the last value of another query built from its name by a regex replace.',
  params: [
    SL,
    { name: 'search', type: 'string', required: true },
    { name: 'replace', type: 'string', required: true },
    { name: 'newName', type: 'string', required: true },
  ],
  fn: async (ctx, seriesList: Series[], search: string, replace: string, newName: string) => {
    for (const s of seriesList) {
      const query = pySub(search, replace, s.name);
      const found = await ctx.evaluate(query);
      if (!found.length) throw new InputParameterError(`No series found with query: ${query}`);
      const current = safeLast(found[0].consolidatedValues());
      if (current === null)
        throw new InputParameterError(`Cannot get last value of series: ${found[0].name}`);
      s.name = percentFormat(newName, current);
    }
    return seriesList;
  },
});

const UNIT_SYSTEMS: Record<string, Array<[string, number]>> = {
  binary: [
    ['Pi', 1024 ** 5],
    ['Ti', 1024 ** 4],
    ['Gi', 1024 ** 3],
    ['Mi', 1024 ** 2],
    ['Ki', 1024],
  ],
  si: [
    ['P', 1000 ** 5],
    ['T', 1000 ** 4],
    ['G', 1000 ** 3],
    ['M', 1000 ** 2],
    ['k', 1000],
  ],
};

/** glyph.format_units without a step: value scaled to the largest fitting prefix. */
export function formatUnits(v: number, system: string, units?: string): [number, string] {
  for (const [prefix, size] of UNIT_SYSTEMS[system] ?? UNIT_SYSTEMS.si) {
    if (Math.abs(v) >= size) {
      let v2 = v / size;
      if (v2 - Math.floor(v2) < 1e-11 && v > 1) v2 = Math.floor(v2);
      return [v2, units ? `${prefix}${units}` : prefix];
    }
  }
  let x = v;
  if (x - Math.floor(x) < 1e-11 && x > 1) x = Math.floor(x);
  return [x, units ?? ''];
}

/** Python's '%.2f' (round-half-even on the binary value, like C printf). */
const f2 = (x: number) => x.toFixed(2);
const ljust = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

registerFunction({
  name: 'legendValue',
  group: 'Alias',
  description:
    'Appends aggregate values (avg, max, last, ...) to each name; a trailing "si" or "binary" formats them with units.',
  params: [
    SL,
    {
      name: 'valuesTypes',
      type: 'string',
      multiple: true,
      options: [...SORTED_AGG_FUNC_NAMES.flatMap((n) => [n, `${n}Series`]), 'binary', 'si'],
    },
  ],
  fn: (_ctx, seriesList: Series[], ...typesIn: string[]) => {
    let types = typesIn.filter((t) => t !== undefined);
    let system: string | undefined;
    if (types.length && (types[types.length - 1] === 'si' || types[types.length - 1] === 'binary')) {
      system = types[types.length - 1];
      types = types.slice(0, -1);
    }
    for (const t of types) {
      let fn: ((v: Value[]) => Value) | undefined;
      try {
        fn = getAggFunc(t);
      } catch {
        fn = undefined;
      }
      for (const s of seriesList) {
        const value = fn ? fn(s.consolidatedValues()) : '(?)';
        if (system === undefined) {
          const text = value === null ? 'None' : typeof value === 'string' ? value : pyFloat(value);
          s.name += ` (${t}: ${text})`;
        } else {
          let formatted = 'None';
          if (typeof value === 'string') formatted = value;
          else if (value !== null) {
            const [v, p] = formatUnits(value, system);
            formatted = `${f2(v)}${p}`;
          }
          s.name = `${ljust(s.name, 20)}${ljust(t, 5)}${ljust(formatted, 10)}`;
        }
      }
    }
    return seriesList;
  },
});

registerFunction({
  name: 'cactiStyle',
  group: 'Special',
  description: 'Appends Current/Max/Min columns to each name, aligned like Cacti legends.',
  params: [
    SL,
    { name: 'system', type: 'string', options: ['binary', 'si'] },
    { name: 'units', type: 'string' },
  ],
  fn: (_ctx, seriesList: Series[], system?: string, units?: string) => {
    if (!seriesList.length) return seriesList;
    const fmt = (x: number): string => {
      if (system) {
        const [v, p] = formatUnits(x, system, units);
        return units ? `${f2(v)} ${p}` : `${f2(v)}${p}`;
      }
      return units ? `${f2(x)} ${units}` : f2(x);
    };
    const stats = seriesList.map((s) => {
      const v = s.consolidatedValues();
      return { last: safeLast(v), max: safeMax(v), min: safeMin(v) };
    });
    const width = (pick: (i: number) => Value) =>
      Math.max(0, ...seriesList.map((_, i) => fmt(Math.trunc((pick(i) || 3) as number)).length)) + 3;
    const nameLen = Math.max(0, ...seriesList.map((s) => s.name.length));
    const lastLen = width((i) => stats[i].last);
    const maxLen = width((i) => stats[i].max);
    const minLen = width((i) => stats[i].min);
    seriesList.forEach((s, i) => {
      const show = (v: Value) => (v === null ? 'nan' : fmt(v));
      s.name = `${ljust(s.name, nameLen)} Current:${ljust(show(stats[i].last), lastLen)} Max:${ljust(show(stats[i].max), maxLen)} Min:${ljust(show(stats[i].min), minLen)} `;
    });
    return seriesList;
  },
});

for (const [name, upper] of [
  ['upper', true],
  ['lower', false],
] as const) {
  registerFunction({
    name,
    group: 'Alias',
    description: `${upper ? 'Upper' : 'Lower'}-cases each name, or only the characters at the given positions.`,
    params: [SL, { name: 'pos', type: 'integer', multiple: true }],
    fn: (_ctx, seriesList: Series[], ...posIn: number[]) => {
      const pos = posIn.filter((p) => p !== undefined);
      const conv = (c: string) => (upper ? c.toUpperCase() : c.toLowerCase());
      for (const s of seriesList) {
        if (!pos.length) s.name = conv(s.name);
        else {
          const chars = [...s.name];
          for (const p of pos) {
            const i = p < 0 ? chars.length + p : p;
            if (i >= 0 && i < chars.length) chars[i] = conv(chars[i]);
          }
          s.name = chars.join('');
        }
      }
      return seriesList;
    },
  });
}
