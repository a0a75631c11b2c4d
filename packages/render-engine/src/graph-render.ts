// svg/png graphs: a line chart with axes, grid, title and legend, honouring the cheap graphite-web
// graph options (width, height, title, vtitle, colorList, bgcolor, fgcolor, hideLegend, hideAxes,
// hideGrid, yMin, yMax, lineWidth, areaMode=all/first/stacked, drawNullAsZero). PNG via resvg.

import { createRequire } from 'node:module';
import { deflateSync } from 'node:zlib';
import { wallTime } from './attime.js';
import { pyJsonDumps, pyJsonString } from './formats.js';
import type { ParsedRenderRequest } from './render.js';
import { consolidate, type Series, type Value } from './series.js';
import type { RenderResponse } from './storage.js';

const DEFAULT_COLORS = [
  'blue',
  'green',
  'red',
  'purple',
  'brown',
  'yellow',
  'aqua',
  'grey',
  'magenta',
  'pink',
  'gold',
  'rose',
];
const NAMED: Record<string, string> = { rose: '#c81e5a', grey: '#808080', aqua: '#00ffff', gold: '#ffd700' };

function color(c: string): string {
  if (NAMED[c]) return NAMED[c];
  if (/^[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$/.test(c)) return `#${c.slice(0, 6)}`;
  if (/^[a-zA-Z]+$/.test(c) || /^#[0-9a-fA-F]{3,8}$/.test(c)) return c;
  return 'black';
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function num(opts: Record<string, string>, key: string, dflt: number, min: number, max: number): number {
  const v = Number(opts[key]);
  if (opts[key] === undefined || !Number.isFinite(v)) return dflt;
  return Math.min(max, Math.max(min, v));
}

const truthy = (v: string | undefined) => v !== undefined && ['true', '1', 'yes'].includes(v.toLowerCase());

/** "Nice" axis ticks covering [lo, hi]. */
function ticks(lo: number, hi: number, count = 5): number[] {
  if (lo === hi) {
    lo -= 1;
    hi += 1;
  }
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let t = Math.floor(lo / step) * step; t <= hi + step * 1e-9; t += step)
    out.push(Number(t.toPrecision(12)));
  return out;
}

function fmtY(v: number): string {
  const a = Math.abs(v);
  for (const [div, suffix] of [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'K'],
  ] as const) {
    if (a >= div) return `${Number((v / div).toPrecision(4))}${suffix}`;
  }
  return String(Number(v.toPrecision(4)));
}

export function renderSvg(data: Series[], r: ParsedRenderRequest): string {
  const o = r.graphOptions;
  const width = Math.round(num(o, 'width', 330, 10, 8000));
  const height = Math.round(num(o, 'height', 250, 10, 8000));
  const bg = color(o.bgcolor ?? 'black');
  const fg = color(o.fgcolor ?? 'white');
  const colors = (o.colorList ? o.colorList.split(',') : DEFAULT_COLORS).map((c) => c.trim());
  const lineWidth = num(o, 'lineWidth', 1.2, 0.1, 50);
  const hideLegend = o.hideLegend !== undefined ? truthy(o.hideLegend) : data.length > 10;
  const hideAxes = truthy(o.hideAxes);
  const hideGrid = truthy(o.hideGrid);
  const drawNullAsZero = truthy(o.drawNullAsZero);
  const areaMode = o.areaMode ?? 'none';
  const fontSize = num(o, 'fontSize', 10, 4, 64);

  // series values with pixel consolidation by their own consolidationFunc
  // pixel consolidation: at most one point per horizontal pixel, by each series' consolidationFunc
  const approxPlotW = Math.max(1, width - 60);
  const series = data.map((s, i) => {
    const raw = s.consolidatedValues();
    const pixelVpp = raw.length > approxPlotW ? Math.ceil(raw.length / approxPlotW) : 1;
    const values = consolidate(raw, pixelVpp, s.consolidationFunc, s.xFilesFactor).map((v) =>
      v === null && drawNullAsZero ? 0 : v,
    );
    const c = typeof s.options.color === 'string' ? s.options.color : colors[i % colors.length];
    return {
      s,
      values,
      pixelVpp,
      color: color(c),
      width: typeof s.options.lineWidth === 'number' ? s.options.lineWidth : lineWidth,
    };
  });
  const stacked = areaMode === 'stacked';
  if (stacked) {
    const acc: number[] = [];
    for (const x of series) {
      x.values = x.values.map((v, i) => {
        const base = acc[i] ?? 0;
        const next = base + (v ?? 0);
        acc[i] = next;
        return v === null ? null : next;
      });
    }
  }
  let yLo = Number.POSITIVE_INFINITY;
  let yHi = Number.NEGATIVE_INFINITY;
  for (const x of series)
    for (const v of x.values)
      if (v !== null && Number.isFinite(v)) {
        yLo = Math.min(yLo, v);
        yHi = Math.max(yHi, v);
      }
  if (!Number.isFinite(yLo)) [yLo, yHi] = [0, 1];
  if (o.yMin !== undefined && Number.isFinite(Number(o.yMin))) yLo = Number(o.yMin);
  else if (areaMode !== 'none' && yLo > 0) yLo = 0;
  if (o.yMax !== undefined && Number.isFinite(Number(o.yMax))) yHi = Number(o.yMax);
  const yTicks = ticks(yLo, yHi);
  yLo = Math.min(yLo, yTicks[0]);
  yHi = Math.max(yHi, yTicks[yTicks.length - 1]);

  const start = data.length ? Math.min(...data.map((s) => s.start)) : r.startTime;
  const end = data.length ? Math.max(...data.map((s) => s.end)) : r.endTime;
  const legendRows = hideLegend ? 0 : series.length;
  const titleH = o.title ? fontSize + 6 : 0;
  const left = hideAxes ? 4 : 8 + fontSize * 4 + (o.vtitle ? fontSize + 4 : 0);
  const right = 8;
  const top = 6 + titleH;
  const bottom = (hideAxes ? 4 : fontSize + 10) + legendRows * (fontSize + 4);
  const plotW = Math.max(1, width - left - right);
  const plotH = Math.max(1, height - top - bottom);
  const xOf = (t: number) => left + ((t - start) / Math.max(1, end - start)) * plotW;
  const yOf = (v: number) => top + plotH - ((v - yLo) / (yHi - yLo || 1)) * plotH;

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${esc(o.fontName ?? 'Sans')}" font-size="${fontSize}">`,
  );
  parts.push(`<rect width="100%" height="100%" fill="${bg}"/>`);
  if (o.title)
    parts.push(
      `<text x="${width / 2}" y="${fontSize + 2}" fill="${fg}" text-anchor="middle">${esc(o.title)}</text>`,
    );
  if (!hideAxes) {
    for (const t of yTicks) {
      const y = yOf(t).toFixed(1);
      if (!hideGrid)
        parts.push(
          `<line x1="${left}" y1="${y}" x2="${left + plotW}" y2="${y}" stroke="${fg}" stroke-opacity="0.2"/>`,
        );
      parts.push(
        `<text x="${left - 4}" y="${y}" fill="${fg}" text-anchor="end" dominant-baseline="middle">${fmtY(t)}</text>`,
      );
    }
    const span = end - start;
    const xStep =
      [60, 300, 900, 3600, 4 * 3600, 12 * 3600, 86400, 7 * 86400, 30 * 86400].find((s) => span / s <= 6) ??
      span / 5;
    for (let t = Math.ceil(start / xStep) * xStep; t <= end; t += xStep) {
      const x = xOf(t).toFixed(1);
      const w = wallTime(t, r.tz);
      const label =
        xStep >= 86400
          ? `${w.month}/${w.day}`
          : `${String(w.hour).padStart(2, '0')}:${String(w.minute).padStart(2, '0')}`;
      if (!hideGrid)
        parts.push(
          `<line x1="${x}" y1="${top}" x2="${x}" y2="${top + plotH}" stroke="${fg}" stroke-opacity="0.2"/>`,
        );
      parts.push(
        `<text x="${x}" y="${top + plotH + fontSize + 4}" fill="${fg}" text-anchor="middle">${label}</text>`,
      );
    }
    parts.push(
      `<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="${fg}"/>`,
    );
    if (o.vtitle) {
      parts.push(
        `<text transform="translate(${fontSize + 2},${top + plotH / 2}) rotate(-90)" fill="${fg}" text-anchor="middle">${esc(o.vtitle)}</text>`,
      );
    }
  }
  series.forEach((x, idx) => {
    if (x.s.options.invisible) return;
    const step = x.s.step * x.s.valuesPerPoint * x.pixelVpp;
    const dash = typeof x.s.options.dashed === 'number' ? ` stroke-dasharray="${x.s.options.dashed}"` : '';
    const alpha = typeof x.s.options.alpha === 'number' ? ` stroke-opacity="${x.s.options.alpha}"` : '';
    if (x.s.options.drawAsInfinite) {
      x.values.forEach((v: Value, i) => {
        if (v === null || v === 0) return;
        const px = xOf(x.s.start + i * step).toFixed(2);
        parts.push(
          `<line x1="${px}" y1="${top}" x2="${px}" y2="${top + plotH}" stroke="${x.color}" stroke-width="${x.width}"${dash}${alpha}/>`,
        );
      });
      return;
    }
    const segs: string[] = [];
    let cur: string[] = [];
    x.values.forEach((v: Value, i) => {
      if (v === null || !Number.isFinite(v)) {
        if (cur.length) segs.push(cur.join(' '));
        cur = [];
        return;
      }
      cur.push(`${xOf(x.s.start + i * step).toFixed(2)},${yOf(v).toFixed(2)}`);
    });
    if (cur.length) segs.push(cur.join(' '));
    const fill =
      areaMode === 'all' || stacked || x.s.options.stacked === true || (areaMode === 'first' && idx === 0);
    for (const seg of segs) {
      if (fill) {
        const pts = seg.split(' ');
        const base = yOf(Math.max(yLo, 0)).toFixed(2);
        const first = pts[0].split(',')[0];
        const lastX = pts[pts.length - 1].split(',')[0];
        parts.push(
          `<polygon points="${first},${base} ${seg} ${lastX},${base}" fill="${x.color}" fill-opacity="0.6" stroke="none"/>`,
        );
      }
      parts.push(
        `<polyline points="${seg}" fill="none" stroke="${x.color}" stroke-width="${x.width}"${dash}${alpha}/>`,
      );
    }
  });
  if (!hideLegend) {
    series.forEach((x, i) => {
      const y = height - (legendRows - i) * (fontSize + 4) + 2;
      parts.push(`<rect x="${left}" y="${y}" width="${fontSize}" height="${fontSize}" fill="${x.color}"/>`);
      parts.push(
        `<text x="${left + fontSize + 4}" y="${y + fontSize - 1}" fill="${fg}">${esc(x.s.name)}</text>`,
      );
    });
  }
  if (!data.length) {
    parts.push(`<text x="${width / 2}" y="${height / 2}" fill="${fg}" text-anchor="middle">No Data</text>`);
  }
  // graphite-web embeds the series as a metadata script object; we keep the same idea
  const meta = pyJsonDumps({
    series: data.map((s) => ({ name: s.name, start: s.start, end: s.end, step: s.step })),
  });
  parts.push(`<script type="application/json" id="metadata"><![CDATA[${meta}]]></script>`);
  parts.push('</svg>');
  return parts.join('\n');
}

interface Rendered {
  width: number;
  height: number;
  pixels: Uint8Array;
  asPng(): Uint8Array;
}
type ResvgCtor = new (svg: string, opts?: unknown) => { render(): Rendered };
let resvg: ResvgCtor | undefined;

function rasterImage(svg: string): Rendered {
  if (!resvg) {
    const require = createRequire(import.meta.url);
    resvg = (require('@resvg/resvg-js') as { Resvg: ResvgCtor }).Resvg;
  }
  return new resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render();
}

function rasterize(svg: string): Uint8Array {
  return rasterImage(svg).asPng();
}

/** A one-page PDF showing the rendered graph as an image (graphite-web's format=pdf). */
function pdf(svg: string): Uint8Array {
  const img = rasterImage(svg);
  const { width: w, height: h } = img;
  const rgb = Buffer.alloc(w * h * 3);
  // `pixels` is a getter that copies: read it once
  const px = img.pixels;
  for (let i = 0, j = 0; i < px.length; i += 4, j += 3) {
    // resvg pixels are premultiplied RGBA over our opaque background: alpha is 255
    rgb[j] = px[i];
    rgb[j + 1] = px[i + 1];
    rgb[j + 2] = px[i + 2];
  }
  const data = deflateSync(rgb);
  const content = Buffer.from(`q ${w} 0 0 ${h} 0 0 cm /Im0 Do Q`);
  const objects: Buffer[] = [
    Buffer.from('<< /Type /Catalog /Pages 2 0 R >>'),
    Buffer.from('<< /Type /Pages /Kids [3 0 R] /Count 1 >>'),
    Buffer.from(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${w} ${h}] /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>`,
    ),
    Buffer.concat([
      Buffer.from(
        `<< /Type /XObject /Subtype /Image /Width ${w} /Height ${h} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode /Length ${data.length} >>\nstream\n`,
      ),
      data,
      Buffer.from('\nendstream'),
    ]),
    Buffer.concat([
      Buffer.from(`<< /Length ${content.length} >>\nstream\n`),
      content,
      Buffer.from('\nendstream'),
    ]),
  ];
  const chunks: Buffer[] = [Buffer.from('%PDF-1.4\n')];
  let offset = chunks[0].length;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(offset);
    const obj = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), body, Buffer.from('\nendobj\n')]);
    chunks.push(obj);
    offset += obj.length;
  });
  const xref = [
    `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`,
    ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`),
  ].join('');
  chunks.push(
    Buffer.from(
      `${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${offset}\n%%EOF\n`,
    ),
  );
  return new Uint8Array(Buffer.concat(chunks));
}

export function renderGraph(data: Series[], r: ParsedRenderRequest): RenderResponse {
  const svg = renderSvg(data, r);
  if (r.format === 'svg') {
    if (r.jsonp !== undefined)
      return { status: 200, contentType: 'text/javascript', body: `${r.jsonp}(${pyJsonString(svg)})` };
    return { status: 200, contentType: 'image/svg+xml', body: svg };
  }
  if (r.format === 'pdf') return { status: 200, contentType: 'application/x-pdf', body: pdf(svg) };
  return { status: 200, contentType: 'image/png', body: rasterize(svg) };
}

export interface PieSlice {
  name: string;
  value: number;
}

/** graphType=pie: slices with a legend of names and percentages. */
export function renderPieSvg(slices: PieSlice[], r: ParsedRenderRequest): string {
  const o = r.graphOptions;
  const width = Math.round(num(o, 'width', 330, 10, 8000));
  const height = Math.round(num(o, 'height', 250, 10, 8000));
  const bg = color(o.bgcolor ?? 'black');
  const fg = color(o.fgcolor ?? 'white');
  const colors = (o.colorList ? o.colorList.split(',') : DEFAULT_COLORS).map((c) => c.trim());
  const fontSize = num(o, 'fontSize', 10, 4, 64);
  const hideLegend = truthy(o.hideLegend);
  const legendH = hideLegend ? 0 : slices.length * (fontSize + 4) + 4;
  const titleH = o.title ? fontSize + 6 : 0;
  const cx = width / 2;
  const radius = Math.max(1, Math.min(width, height - legendH - titleH) / 2 - 6);
  const cy = titleH + 4 + radius;
  const total = slices.reduce((a, s) => a + (Number.isFinite(s.value) && s.value > 0 ? s.value : 0), 0);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="Sans" font-size="${fontSize}">`,
    `<rect width="100%" height="100%" fill="${bg}"/>`,
  ];
  if (o.title)
    parts.push(
      `<text x="${cx}" y="${fontSize + 2}" fill="${fg}" text-anchor="middle">${esc(o.title)}</text>`,
    );
  let angle = -Math.PI / 2;
  slices.forEach((sl, i) => {
    const v = Number.isFinite(sl.value) && sl.value > 0 ? sl.value : 0;
    if (!total || !v) return;
    const c = color(colors[i % colors.length]);
    const sweep = (v / total) * 2 * Math.PI;
    if (sweep >= 2 * Math.PI - 1e-9) {
      parts.push(`<circle cx="${cx}" cy="${cy}" r="${radius}" fill="${c}"/>`);
    } else {
      const x1 = cx + radius * Math.cos(angle);
      const y1 = cy + radius * Math.sin(angle);
      const x2 = cx + radius * Math.cos(angle + sweep);
      const y2 = cy + radius * Math.sin(angle + sweep);
      parts.push(
        `<path d="M${cx},${cy} L${x1.toFixed(2)},${y1.toFixed(2)} A${radius},${radius} 0 ${sweep > Math.PI ? 1 : 0} 1 ${x2.toFixed(2)},${y2.toFixed(2)} Z" fill="${c}"/>`,
      );
    }
    angle += sweep;
  });
  if (!hideLegend) {
    slices.forEach((sl, i) => {
      const y = height - legendH + 4 + i * (fontSize + 4);
      const pct = total ? ((Math.max(0, sl.value) / total) * 100).toFixed(1) : '0.0';
      parts.push(
        `<rect x="6" y="${y}" width="${fontSize}" height="${fontSize}" fill="${color(colors[i % colors.length])}"/>`,
      );
      parts.push(
        `<text x="${10 + fontSize}" y="${y + fontSize - 1}" fill="${fg}">${esc(sl.name)} (${pct}%)</text>`,
      );
    });
  }
  parts.push('</svg>');
  return parts.join('\n');
}

export function renderPie(slices: PieSlice[], r: ParsedRenderRequest): RenderResponse {
  const svg = renderPieSvg(slices, r);
  if (r.format === 'svg') return { status: 200, contentType: 'image/svg+xml', body: svg };
  return { status: 200, contentType: 'image/png', body: rasterize(svg) };
}
