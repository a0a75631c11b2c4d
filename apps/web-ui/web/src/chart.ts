// Time series chart on uPlot: nulls as gaps, unit-aware axis/legend, hover values in the legend,
// event markers as focusable overlay elements, and in-place appends for live mode.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { GraphiteEvent, RenderSeries } from './api.js';
import { type Aligned, alignSeries, appendPoints, type Column, isolatedIndices } from './series-data.js';
import { formatValue, type Unit } from './units.js';

export interface ChartSnapshot {
  title: string;
  series: string[];
  /** [timestamps (s), values of series 1, values of series 2, ...] */
  data: Array<Array<number | null | undefined>>;
  events: number;
}

const registry = new Set<Chart>();
export function allCharts(): Chart[] {
  return [...registry];
}

function color(i: number): string {
  // Golden-angle hue steps keep neighbouring series distinguishable however many there are.
  return `hsl(${Math.round((i * 137.508 + 210) % 360)} 70% 45%)`;
}

function isolatedPoints(u: uPlot, seriesIdx: number, show: boolean): number[] | null {
  if (show) return null; // uPlot already draws every point (sparse data)
  const found = isolatedIndices(u.data[seriesIdx] as Column);
  return found.length ? found : null;
}

export class Chart {
  private plot: uPlot | undefined;
  private data: Aligned = [[]];
  private names: string[] = [];
  private events: GraphiteEvent[] = [];
  private readonly observer: ResizeObserver;
  private readonly plotEl: HTMLDivElement;
  /** Seconds of history kept while appending live points (the selected range). */
  windowSeconds = 3600;

  constructor(
    private readonly container: HTMLElement,
    public title: string,
    public unit: Unit,
  ) {
    this.plotEl = document.createElement('div');
    this.plotEl.className = 'plot';
    // Keyboard access to hover values: focus the chart, then arrow keys move the cursor.
    this.plotEl.tabIndex = 0;
    this.plotEl.setAttribute('role', 'group');
    this.plotEl.addEventListener('keydown', (e) => this.onKey(e));
    container.append(this.plotEl);
    this.observer = new ResizeObserver(() => this.resize());
    this.observer.observe(container);
    registry.add(this);
  }

  private size(): { width: number; height: number } {
    const width = Math.max(200, Math.floor(this.container.clientWidth || 600));
    return { width, height: Math.max(160, Math.min(320, Math.round(width * 0.4))) };
  }

  /** Suggested maxDataPoints: one point per horizontal pixel. */
  pixelWidth(): number {
    return this.size().width;
  }

  private resize(): void {
    if (!this.plot) return;
    const { width, height } = this.size();
    if (width !== this.plot.width || height !== this.plot.height) this.plot.setSize({ width, height });
  }

  setSeries(series: RenderSeries[]): void {
    this.names = series.map((s) => s.target);
    this.data = alignSeries(series);
    this.rebuild();
  }

  setEvents(events: GraphiteEvent[]): void {
    this.events = events;
    if (this.plot) this.drawEvents(this.plot);
  }

  private rebuild(): void {
    this.plot?.destroy();
    const unit = this.unit;
    const fmt = (v: number | null | undefined) => formatValue(v ?? null, unit);
    const opts: uPlot.Options = {
      ...this.size(),
      title: undefined,
      scales: { x: { time: true } },
      cursor: { focus: { prox: 16 } },
      focus: { alpha: 0.4 },
      legend: { live: true },
      axes: [
        {},
        {
          size: 70,
          values: (_u, splits) => splits.map((v) => fmt(v)),
        },
      ],
      series: [
        { label: 'Time', value: (_u, v) => (v == null ? '–' : new Date(v * 1000).toLocaleString()) },
        ...this.names.map((name, i) => ({
          label: name,
          stroke: color(i),
          width: 1.5,
          spanGaps: false,
          // A point between gaps draws no line segment; mark it so it does not vanish.
          points: { filter: isolatedPoints },
          value: (_u: uPlot, v: number | null) => fmt(v),
        })),
      ],
      hooks: { draw: [(u) => this.drawEvents(u)] },
    };
    this.plot = new uPlot(opts, this.data as uPlot.AlignedData, this.plotEl);
    this.cursorIdx = -1;
    this.plotEl.setAttribute(
      'aria-label',
      `Chart ${this.title}: ${this.names.length} series. Left and right arrows read values, shift for bigger steps.`,
    );
  }

  private drawEvents(u: uPlot): void {
    const over = u.over;
    for (const old of over.querySelectorAll('.event-marker')) old.remove();
    const xs = this.data[0];
    if (xs.length === 0) return;
    const min = u.scales.x.min ?? xs[0];
    const max = u.scales.x.max ?? xs[xs.length - 1];
    for (const ev of this.events) {
      if (ev.when < min || ev.when > max) continue;
      const marker = document.createElement('div');
      marker.className = 'event-marker';
      marker.style.left = `${u.valToPos(ev.when, 'x')}px`;
      marker.tabIndex = 0;
      marker.setAttribute('role', 'img');
      const tags = Array.isArray(ev.tags) ? ev.tags.join(' ') : ev.tags;
      const label = `Event: ${ev.what} at ${new Date(ev.when * 1000).toLocaleString()}${tags ? ` [${tags}]` : ''}`;
      marker.setAttribute('aria-label', label);
      marker.title = ev.data ? `${label}\n${ev.data}` : label;
      over.append(marker);
    }
  }

  private cursorIdx = -1;

  private onKey(e: KeyboardEvent): void {
    const u = this.plot;
    const xs = this.data[0];
    if (!u || xs.length === 0) return;
    const stepBy = e.shiftKey ? 10 : 1;
    if (e.key === 'ArrowRight')
      this.cursorIdx = Math.min(xs.length - 1, Math.max(0, this.cursorIdx + stepBy));
    else if (e.key === 'ArrowLeft')
      this.cursorIdx = Math.max(0, (this.cursorIdx < 0 ? xs.length : this.cursorIdx) - stepBy);
    else if (e.key === 'Home') this.cursorIdx = 0;
    else if (e.key === 'End') this.cursorIdx = xs.length - 1;
    else if (e.key === 'Escape') {
      this.cursorIdx = -1;
      u.setCursor({ left: -10, top: -10 });
      return;
    } else return;
    e.preventDefault();
    u.setCursor({ left: u.valToPos(xs[this.cursorIdx], 'x'), top: u.over.clientHeight / 2 });
  }

  hasSeries(name: string): boolean {
    return this.names.includes(name);
  }

  /**
   * Adds live points of one series in place. Returns false when the series is not on this chart
   * (the caller re-renders instead).
   */
  appendPoints(metric: string, points: Array<[number, number]>): boolean {
    const idx = this.names.indexOf(metric);
    if (idx < 0 || !this.plot) return false;
    appendPoints(this.data, idx, points, this.windowSeconds);
    this.plot.setData(this.data as uPlot.AlignedData);
    return true;
  }

  snapshot(): ChartSnapshot {
    return {
      title: this.title,
      series: [...this.names],
      data: this.data.map((c) => [...c]),
      events: this.plot ? this.plot.over.querySelectorAll('.event-marker').length : 0,
    };
  }

  destroy(): void {
    this.observer.disconnect();
    this.plot?.destroy();
    this.plot = undefined;
    registry.delete(this);
    this.plotEl.remove();
  }
}
