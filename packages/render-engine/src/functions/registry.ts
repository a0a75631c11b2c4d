// The function registry: each function file registers its definitions at import time.

import type { ParsedExpr } from '../grammar.js';
import type { Series } from '../series.js';
import type { Storage } from '../storage.js';

export type ParamType =
  | 'seriesList'
  | 'seriesLists'
  | 'integer'
  | 'float'
  | 'string'
  | 'boolean'
  | 'node'
  | 'nodeOrTag'
  | 'tag'
  | 'aggFunc'
  | 'aggOrSeriesFunc'
  | 'intOrInterval'
  | 'interval'
  | 'intOrInf'
  | 'date'
  | 'series'
  | 'any';

export interface ParamDef {
  name: string;
  type: ParamType;
  required?: boolean;
  default?: unknown;
  options?: unknown[];
  multiple?: boolean;
  suggestions?: unknown[];
}

export interface EvalContext {
  /** Request window, epoch seconds (functions that re-fetch get a modified copy). */
  startTime: number;
  endTime: number;
  now: number;
  /** IANA zone of the request. */
  tz: string;
  storage: Storage;
  /** Request-level default xFilesFactor (setXFilesFactor changes it for later functions). */
  xFilesFactor: number;
  /** Evaluate a nested target (timeShift, timeStack, holtWinters bootstrap, useSeriesAbove, applyByNode...). */
  evaluate(
    target: string | ParsedExpr,
    overrides?: Partial<Pick<EvalContext, 'startTime' | 'endTime'>>,
  ): Promise<Series[]>;
  /** Fetch plain path expressions / seriesByTag calls for the given window (no evaluation of functions). */
  fetchPaths(paths: string[], startTime: number, endTime: number): Promise<Series[]>;
  /** The call being evaluated: its name, its raw text and its unevaluated argument expressions. */
  call?: { name: string; raw: string; args: ParsedExpr[] };
  /** `template[...]` values of the request. */
  templateParams?: Record<string, string>;
  /** Per-request state shared by all evaluations (limits, counters). */
  shared: {
    seriesFetched: number;
    deadline: number;
    maxSeries: number;
    pointsFetched?: number;
    maxPoints?: number;
    stacks?: Record<string, number[]>;
  };
}

export interface FunctionDef {
  name: string;
  /** graphite-web's groups: Combine, Transform, Calculate, Filter Series, Filter Data, Sorting, Alias, Graph, Special. */
  group: string;
  /** Short, our own words (shown in Grafana's editor). */
  description: string;
  /** Same names/types/defaults/options as graphite-web 1.1's /functions. */
  params: ParamDef[];
  // biome-ignore lint/suspicious/noExplicitAny: each function declares its own argument types
  fn: (ctx: EvalContext, ...args: any[]) => Series[] | Promise<Series[]>;
  aliases?: string[];
  /** Usable as an aggOrSeriesFunc callback (groupByNode etc.), like graphite-web's `aggregator = True`. */
  aggregator?: boolean;
  /** Listed by `/functions?type=pie` instead of the series functions. */
  pie?: boolean;
}

const registry = new Map<string, FunctionDef>();
const primary = new Map<string, FunctionDef>();
/** graphite-web keeps pie functions (graphType=pie) apart from the series functions. */
const pieRegistry = new Map<string, FunctionDef>();

export function registerFunction(def: FunctionDef): void {
  if (def.pie) {
    pieRegistry.set(def.name, def);
    return;
  }
  registry.set(def.name, def);
  primary.set(def.name, def);
  for (const alias of def.aliases ?? []) registry.set(alias, def);
}

export function getFunction(name: string): FunctionDef | undefined {
  return registry.get(name);
}

export function getPieFunction(name: string): FunctionDef | undefined {
  return pieRegistry.get(name);
}

/** Every registered name (aliases included, as graphite-web lists them) with its definition. */
export function listFunctions(pie = false): Array<[string, FunctionDef]> {
  return [...(pie ? pieRegistry : registry).entries()];
}

/** Names of series functions usable as aggregation callbacks. */
export function aggregatorNames(): string[] {
  return [...registry.entries()].filter(([, d]) => d.aggregator).map(([n]) => n);
}

export function primaryFunctions(): FunctionDef[] {
  return [...primary.values()];
}
