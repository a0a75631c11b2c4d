// Axis and legend units. Graphite carries no unit metadata, so the unit comes from the graph's setting or
// is guessed from the target text (statsd timers are milliseconds, statsd `stats.*` counters are rates).

export type Unit = 'none' | 'ms' | 's' | 'rate' | 'bytes';

const TIMER_SUFFIX = /\.(mean|median|upper|lower|upper_\d+|mean_\d+|sum_\d+|std)(\W|$)/;

export function guessUnit(targets: string[]): Unit {
  const text = targets.join(' ');
  if (/(^|[(\s,])stats\.timers\./.test(text) || (TIMER_SUFFIX.test(text) && /timer/.test(text))) return 'ms';
  if (/_ms\b|latency|processing_time|flush_time/i.test(text)) return 'ms';
  if (/perSecond\(|nonNegativeDerivative\(|\.rate\b|(^|[(\s,])stats\.(?!timers\.|gauges\.)/.test(text))
    return 'rate';
  if (/_seconds\b|\.duration\b/.test(text)) return 's';
  if (/bytes/i.test(text)) return 'bytes';
  return 'none';
}

const SI = [
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
] as const;

function trim(n: number, digits = 3): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  if (abs !== 0 && abs < 0.001) return n.toExponential(2);
  return String(Number(n.toPrecision(digits)));
}

function si(n: number): string {
  const abs = Math.abs(n);
  for (const [div, suffix] of SI) if (abs >= div) return trim(n / div) + suffix;
  return trim(n);
}

function duration(seconds: number): string {
  const abs = Math.abs(seconds);
  if (abs === 0) return '0';
  if (abs < 1e-3) return `${trim(seconds * 1e6)} µs`;
  if (abs < 1) return `${trim(seconds * 1e3)} ms`;
  if (abs < 60) return `${trim(seconds)} s`;
  if (abs < 3600) return `${trim(seconds / 60)} min`;
  if (abs < 86400) return `${trim(seconds / 3600)} h`;
  return `${trim(seconds / 86400)} d`;
}

export function formatValue(value: number | null | undefined, unit: Unit): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  switch (unit) {
    case 'ms':
      return duration(value / 1000);
    case 's':
      return duration(value);
    case 'rate':
      return `${si(value)}/s`;
    case 'bytes': {
      const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
      let v = value;
      let i = 0;
      while (Math.abs(v) >= 1024 && i < units.length - 1) {
        v /= 1024;
        i++;
      }
      return `${trim(v)} ${units[i]}`;
    }
    default:
      return si(value);
  }
}
