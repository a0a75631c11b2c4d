// TEST INFRASTRUCTURE: evaluates the k6 threshold expressions our scripts use (rate, p(N), max,
// avg with <, <=, >, >=, ==) over what the shim recorded, the way k6 does at the end of a run.
import type { ShimState } from './runtime.js';

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

function compare(a: number, op: string, b: number): boolean {
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '==':
    case '===':
      return a === b;
    default:
      throw new Error(`unsupported operator ${op}`);
  }
}

/** Returns the failed thresholds as "metric: expression (value)" strings. */
export function evaluateThresholds(thresholds: Record<string, string[]>, s: ShimState): string[] {
  const failures: string[] = [];
  for (const [key, exprs] of Object.entries(thresholds)) {
    const m = /^(\w+)(?:\{(\w+):([^}]+)\})?$/.exec(key);
    if (!m) throw new Error(`unsupported threshold key ${key}`);
    const [, metric, tag, tagValue] = m;
    const reqs = s.requests.filter((r) => !tag || r.tags[tag] === tagValue);
    for (const expr of exprs) {
      const e = /^(rate|max|min|avg|med|p\((\d+(?:\.\d+)?)\))\s*(<=|>=|===|==|<|>)\s*([\d.]+)$/.exec(
        expr.trim(),
      );
      if (!e) throw new Error(`unsupported threshold ${expr}`);
      const [, agg, pct, op, limitText] = e;
      let value: number;
      if (metric === 'checks') {
        value = s.checks.filter((c) => c.pass).length / s.checks.length;
      } else if (metric === 'http_req_failed') {
        value = reqs.filter((r) => r.failed).length / reqs.length;
      } else if (metric === 'http_req_duration') {
        const d = reqs.map((r) => r.durationMs).sort((a, b) => a - b);
        if (agg === 'max') value = d[d.length - 1];
        else if (agg === 'min') value = d[0];
        else if (agg === 'avg') value = d.reduce((a, b) => a + b, 0) / d.length;
        else if (agg === 'med') value = percentile(d, 50);
        else value = percentile(d, Number(pct));
      } else {
        throw new Error(`unsupported metric ${metric}`);
      }
      if (!compare(value, op, Number(limitText))) failures.push(`${key}: ${expr} (${value})`);
    }
  }
  return failures;
}
