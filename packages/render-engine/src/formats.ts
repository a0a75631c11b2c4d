// Text and binary render formats, byte-compatible with graphite-web's renderView* functions.

import { wallTime } from './attime.js';
import { msgpackDumps, PyFloat, type PyValue, pickleDumps } from './encoders.js';
import { pyFloat } from './pyformat.js';
import type { Series, Value } from './series.js';

/** Python json.dumps string (ensure_ascii). */
export function pyJsonString(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => {
    const code = c.charCodeAt(0);
    return code === 0x7f ? c : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** A float as Python's json.dumps writes it (NaN, Infinity, -Infinity tokens). */
function jsonFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return 'Infinity';
  if (v === Number.NEGATIVE_INFINITY) return '-Infinity';
  return pyFloat(v);
}

/** Python json.dumps of a value tree; numbers are ints unless wrapped in PyFloat. */
export function pyJsonDumps(value: PyValue, indent?: number): string {
  const nl = indent !== undefined;
  const enc = (v: PyValue, level: number): string => {
    if (v === null) return 'null';
    if (v === true) return 'true';
    if (v === false) return 'false';
    if (v instanceof PyFloat) return jsonFloat(v.value);
    if (typeof v === 'number') return Number.isInteger(v) ? String(v) : jsonFloat(v);
    if (typeof v === 'string') return pyJsonString(v);
    const pad = nl ? `\n${' '.repeat((indent as number) * (level + 1))}` : '';
    const end = nl ? `\n${' '.repeat((indent as number) * level)}` : '';
    const sep = nl ? ',' : ', ';
    if (Array.isArray(v)) {
      if (!v.length) return '[]';
      return `[${pad}${v.map((x) => enc(x, level + 1)).join(sep + pad)}${end}]`;
    }
    const entries = Object.entries(v);
    if (!entries.length) return '{}';
    return `{${pad}${entries.map(([k, x]) => `${pyJsonString(k)}: ${enc(x, level + 1)}`).join(sep + pad)}${end}}`;
  };
  return enc(value, 0);
}

/** graphite-web's textual fix-ups after json.dumps: `NaN,` -> `null,`, `Infinity,` -> `1e9999,`. */
export function graphiteJsonFixups(s: string): string {
  return s.replace(/NaN,/g, 'null,').replace(/Infinity,/g, '1e9999,');
}

/** maxDataPoints consolidation of the JSON renderer (mutates the series, as graphite-web does). */
export function applyMaxDataPoints(data: Series[], maxDataPoints: number): void {
  if (!data.some((s) => s.length)) return;
  const startTime = Math.min(...data.map((s) => s.start));
  const endTime = Math.max(...data.map((s) => s.end));
  const timeRange = endTime - startTime;
  for (const series of data) {
    if (maxDataPoints === 1) {
      series.valuesPerPoint = Math.max(1, series.length);
      continue;
    }
    const points = timeRange / series.step;
    if (maxDataPoints < points) {
      const vpp = Math.ceil(points / maxDataPoints);
      const secondsPerPoint = Math.trunc(vpp * series.step);
      const nudge = secondsPerPoint + pyMod(series.start, series.step) - pyMod(series.start, secondsPerPoint);
      series.start += nudge;
      const lose = Math.trunc(nudge / series.step);
      if (lose > 1) series.values = series.values.slice(lose - 1);
      series.valuesPerPoint = vpp;
    }
  }
}

function pyMod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

/** Datapoint timestamps start, start+step*vpp, ... up to end inclusive, zipped with the values. */
function timestamps(s: Series, count: number, inclusiveEnd: boolean): number[] {
  const inc = s.step * s.valuesPerPoint;
  const stop = inclusiveEnd ? s.end + 1 : s.end;
  const out: number[] = [];
  if (inc <= 0) return out;
  for (let t = s.start, i = 0; t < stop && i < count; t += inc, i++) out.push(t);
  return out;
}

export interface JsonOptions {
  pretty?: boolean;
  noNullPoints?: boolean;
  maxDataPoints?: number;
  jsonp?: string;
}

export function renderJson(data: Series[], opts: JsonOptions): string {
  if (opts.maxDataPoints !== undefined) applyMaxDataPoints(data, opts.maxDataPoints);
  if (!data.some((s) => s.length)) return '[]';
  if (opts.pretty) {
    const out: PyValue[] = [];
    for (const s of data) {
      const values = s.consolidatedValues();
      const ts = timestamps(s, values.length, true);
      let points = ts.map((t, i): [Value, number] => [values[i], t]);
      if (opts.noNullPoints) {
        points = points.filter(([v]) => v !== null && !Number.isNaN(v));
        if (!points.length) continue;
      }
      out.push({
        target: s.name,
        tags: s.tags,
        datapoints: points.map(([v, t]) => [v === null ? null : new PyFloat(v), t]),
      });
    }
    return graphiteJsonFixups(pyJsonDumps(out, 2));
  }
  // fast path: the bytes json.dumps writes with default separators, after graphite-web's
  // NaN/Infinity replacements (applied to the name and tags text too, as graphite-web does)
  const chunks: string[] = [];
  for (const s of data) {
    const values = s.consolidatedValues();
    const inc = s.step * s.valuesPerPoint;
    // one growing string (V8 keeps it as a rope) instead of a string per point plus a join
    let pts = '';
    if (inc > 0) {
      for (let t = s.start, i = 0; t < s.end + 1 && i < values.length; t += inc, i++) {
        const v = values[i];
        if (opts.noNullPoints && (v === null || Number.isNaN(v))) continue;
        pts += `${pts ? ', [' : '['}${jsonValue(v)}, ${t}]`;
      }
    }
    if (opts.noNullPoints && !pts) continue;
    let tags = '';
    for (const k in s.tags) tags += `${tags ? ', ' : ''}${pyJsonString(k)}: ${pyJsonString(s.tags[k])}`;
    const head = graphiteJsonFixups(`{"target": ${pyJsonString(s.name)}, "tags": {${tags}}, `);
    chunks.push(`${head}"datapoints": [${pts}]}`);
  }
  return `[${chunks.join(', ')}]`;
}

/** A datapoint value as it ends up after graphite-web's replacements. */
function jsonValue(v: Value): string {
  if (v === null || Number.isNaN(v)) return 'null';
  if (v === Number.POSITIVE_INFINITY) return '1e9999';
  if (v === Number.NEGATIVE_INFINITY) return '-1e9999';
  return pyFloat(v);
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function renderCsv(data: Series[], tz: string): string {
  const lines: string[] = [];
  for (const s of data) {
    const values = s.consolidatedValues();
    const name = csvField(s.name);
    for (let i = 0; i < values.length; i++) {
      const w = wallTime(s.start + i * s.step, tz);
      const ts = `${String(w.year).padStart(4, '0')}-${pad2(w.month)}-${pad2(w.day)} ${pad2(w.hour)}:${pad2(w.minute)}:${pad2(w.second)}`;
      const v = values[i];
      lines.push(`${name},${ts},${v === null ? '' : pyFloat(v)}\r\n`);
    }
  }
  return lines.join('');
}

export function renderRaw(data: Series[]): string {
  return data
    .map((s) => {
      const values = s.consolidatedValues().map((v) => (v === null ? 'None' : pyFloat(v)));
      return `${s.name},${Math.trunc(s.start)},${Math.trunc(s.end)},${Math.trunc(s.step)}|${values.join(',')}\n`;
    })
    .join('');
}

/** Python's '%s' of a float value inside dygraph rows. */
function dygraphValue(v: Value): string {
  if (v === null || Number.isNaN(v)) return 'null';
  if (v === Number.POSITIVE_INFINITY) return 'Infinity';
  if (v === Number.NEGATIVE_INFINITY) return '-Infinity';
  return pyFloat(v);
}

export function renderDygraph(data: Series[]): string {
  if (!data.length) return '{}';
  const first = data[0];
  const rows: string[][] = [];
  for (let t = first.start; t < first.end; t += first.step) rows.push([`${t}000`]);
  for (const s of data) {
    const values = s.consolidatedValues();
    // rows follow the first series' timestamps; graphite-web fails (500) when a series is shorter
    // or longer than the first: we pad with null / drop the excess
    for (let i = 0; i < rows.length; i++) rows[i].push(i < values.length ? dygraphValue(values[i]) : 'null');
  }
  const labels = pyJsonDumps(['Time', ...data.map((s) => s.name)]);
  return `{"labels" : ${labels}, "data" : [${rows.map((r) => `[${r.join(', ')}]`).join(', ')}]}`;
}

export function renderRickshaw(data: Series[], pretty: boolean): string {
  return pyJsonDumps(
    data.map((s) => {
      const values = s.consolidatedValues();
      const ts: number[] = [];
      for (let t = s.start; t < s.end && ts.length < values.length; t += s.step) ts.push(t);
      return {
        target: s.name,
        datapoints: ts.map((x, i) => ({
          x,
          y: values[i] === null ? null : new PyFloat(values[i] as number),
        })),
      };
    }),
    pretty ? 2 : undefined,
  );
}

function seriesInfo(s: Series): { [k: string]: PyValue } {
  return {
    name: s.name,
    start: s.start,
    end: s.end,
    step: s.step,
    values: s.consolidatedValues().map((v) => (v === null ? null : new PyFloat(v))),
    pathExpression: s.pathExpression,
    valuesPerPoint: s.valuesPerPoint,
    consolidationFunc: s.consolidationFunc,
    xFilesFactor: new PyFloat(s.xFilesFactor),
  };
}

export function renderPickle(data: Series[]): Uint8Array {
  return pickleDumps(data.map(seriesInfo));
}

export function renderMsgpack(data: Series[]): Uint8Array {
  return msgpackDumps(data.map(seriesInfo));
}
