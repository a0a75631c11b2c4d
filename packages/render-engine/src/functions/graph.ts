// Graph: presentation-only functions. They keep graphite-web's names and renames and pass data
// through; the options they set are read by the svg/png renderer.

import { parseATTime } from '../attime.js';
import { InputParameterError } from '../errors.js';
import { Series } from '../series.js';
import { constantLineSeries } from './combine.js';
import { pyG, pyNum } from './helpers.js';
import { type ParamDef, registerFunction } from './registry.js';

const SL: ParamDef = { name: 'seriesList', type: 'seriesList', required: true };

registerFunction({
  name: 'color',
  group: 'Graph',
  description: 'Sets the line colour (name or hex RRGGBB).',
  params: [SL, { name: 'theColor', type: 'string', required: true }],
  fn: (_ctx, l: Series[], c: string) => {
    for (const s of l) s.options.color = c;
    return l;
  },
});

registerFunction({
  name: 'lineWidth',
  group: 'Graph',
  description: 'Sets the line width in pixels.',
  params: [SL, { name: 'width', type: 'float', required: true }],
  fn: (_ctx, l: Series[], width: number) => {
    for (const s of l) s.options.lineWidth = width;
    return l;
  },
});

registerFunction({
  name: 'alpha',
  group: 'Graph',
  description: 'Sets the line opacity (0 to 1).',
  params: [SL, { name: 'alpha', type: 'float', required: true }],
  fn: (_ctx, l: Series[], alpha: number) => {
    for (const s of l) s.options.alpha = alpha;
    return l;
  },
});

registerFunction({
  name: 'dashed',
  group: 'Graph',
  description: 'Draws the lines dashed.',
  params: [SL, { name: 'dashLength', type: 'integer', default: 5 }],
  fn: (ctx, l: Series[], dashLength = 5) => {
    const lit = ctx.call?.args[1];
    const isFloat = lit?.type === 'number' && lit.isFloat;
    for (const s of l) {
      s.setTag('dashed', pyNum(dashLength, isFloat));
      s.name = `dashed(${s.name}, ${pyG(dashLength)})`;
      s.options.dashed = dashLength;
    }
    return l;
  },
});

registerFunction({
  name: 'stacked',
  group: 'Graph',
  description: 'Stacks the series on each other (values become running totals across the list).',
  params: [SL, { name: 'stack', type: 'string' }],
  fn: (ctx, l: Series[], stackName = '__DEFAULT__') => {
    ctx.shared.stacks ??= {};
    const total = ctx.shared.stacks[stackName] ?? [];
    const out = l.map((s) => {
      const vals = s.consolidatedValues();
      const newValues = vals.map((v, i) => {
        if (total.length <= i) total.push(0);
        if (v === null) return null;
        total[i] += v;
        return total[i];
      });
      let name = s.name;
      if (stackName === '__DEFAULT__') {
        s.setTag('stacked', stackName);
        name = `stacked(${s.name})`;
      }
      const c = s.copy({ name, values: newValues });
      c.options.stacked = true;
      return c;
    });
    ctx.shared.stacks[stackName] = total;
    return out;
  },
});

registerFunction({
  name: 'areaBetween',
  group: 'Graph',
  description: 'Fills the area between exactly two series.',
  params: [SL],
  fn: (_ctx, l: Series[]) => {
    if (l.length !== 2)
      throw new InputParameterError('areaBetween series argument must reference *exactly* 2 series');
    const [lower, upper] = l;
    lower.options.stacked = true;
    lower.options.invisible = true;
    upper.options.stacked = true;
    upper.setTag('areaBetween', 1);
    lower.tags = upper.tags;
    lower.name = upper.name = `areaBetween(${upper.pathExpression})`;
    return l;
  },
});

registerFunction({
  name: 'drawAsInfinite',
  group: 'Graph',
  description: 'Draws a vertical line at every non-zero value.',
  params: [SL],
  fn: (_ctx, l: Series[]) => {
    for (const s of l) {
      s.options.drawAsInfinite = true;
      s.setTag('drawAsInfinite', 1);
      s.name = `drawAsInfinite(${s.name})`;
    }
    return l;
  },
});

registerFunction({
  name: 'secondYAxis',
  group: 'Graph',
  description: 'Draws the series against a second Y axis.',
  params: [SL],
  fn: (_ctx, l: Series[]) => {
    for (const s of l) {
      s.options.secondYAxis = true;
      s.setTag('secondYAxis', 1);
      s.name = `secondYAxis(${s.name})`;
    }
    return l;
  },
});

registerFunction({
  name: 'threshold',
  group: 'Graph',
  description: 'A horizontal line at the value, optionally labelled and coloured.',
  params: [
    { name: 'value', type: 'float', required: true },
    { name: 'label', type: 'string' },
    { name: 'color', type: 'string' },
  ],
  fn: (ctx, value: number, label?: string, color?: string) => {
    const s = constantLineSeries(ctx, value);
    s.pathExpression = `constantLine(${s.name})`;
    if (label) s.name = label;
    if (color) s.options.color = color;
    return [s];
  },
});

registerFunction({
  name: 'verticalLine',
  group: 'Graph',
  description: 'A vertical line at the given time, optionally labelled and coloured.',
  params: [
    { name: 'ts', type: 'date', required: true },
    { name: 'label', type: 'string' },
    { name: 'color', type: 'string' },
  ],
  fn: (ctx, ts: unknown, label?: string, color?: string) => {
    const t = Math.trunc(parseATTime(String(ts), ctx.tz, ctx.now));
    const start = Math.trunc(ctx.startTime);
    const end = Math.trunc(ctx.endTime);
    if (t < start)
      throw new InputParameterError(`verticalLine(): timestamp ${t} exists before start of range`);
    if (t > end) throw new InputParameterError(`verticalLine(): timestamp ${t} exists after end of range`);
    const s = new Series({
      name: label ?? 'None',
      start: t,
      end: t,
      step: 1,
      values: [1, 1],
      xFilesFactor: ctx.xFilesFactor,
    });
    s.options.drawAsInfinite = true;
    if (color) s.options.color = color;
    return [s];
  },
});
