/**
 * Small SVG chart primitives with no dependencies: a line/step chart (with reference lines and
 * shaded x-ranges), a bar chart and a CDF chart with marked percentiles. Every chart has axes, ticks,
 * labels, a visible title and an accessible <title>/<desc>. All text is escaped. Output is a pure
 * function of the input: numbers go through fixed rounding, text widths are estimated (not measured),
 * so the same input gives the same bytes.
 */
import { formatCompact, formatDurationShort, trimNumber } from './format.js';
import { Scale, durationTicks, linearTicks, logTicks, timeTickFormat, timeTicks, type Ticks } from './scale.js';

export const PALETTE = {
  blue: '#2563eb',
  orange: '#ea580c',
  green: '#16a34a',
  purple: '#7c3aed',
  teal: '#0891b2',
  red: '#dc2626',
  grey: '#64748b',
  ink: '#0f172a',
  muted: '#475569',
  grid: '#e2e8f0',
  axis: '#94a3b8',
} as const;

const SERIES_COLORS = [PALETTE.blue, PALETTE.orange, PALETTE.green, PALETTE.purple, PALETTE.teal, PALETTE.red];
const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

export function escapeXml(text: string): string {
  let out = '';
  for (const ch of text) {
    switch (ch) {
      case '&':
        out += '&amp;';
        break;
      case '<':
        out += '&lt;';
        break;
      case '>':
        out += '&gt;';
        break;
      case '"':
        out += '&quot;';
        break;
      case "'":
        out += '&#39;';
        break;
      default: {
        const c = ch.codePointAt(0)!;
        // Control characters are not allowed in XML 1.0; drop them rather than emit a broken file.
        if (c >= 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) out += ch;
      }
    }
  }
  return out;
}

/** Coordinates with at most two decimals: keeps files small and output stable. */
const n = (v: number): string => trimNumber(v, 2);

/** Estimated width of text at a font size (no layout engine here, so a fixed average glyph width). */
function textWidth(text: string, size: number): number {
  return [...text].length * size * 0.6;
}

function safeId(id: string): string {
  const s = id.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
  return /^[A-Za-z]/.test(s) ? s : `c-${s}`;
}

export interface ChartFrame {
  /** Unique within a page: used for the aria ids. */
  id: string;
  title: string;
  /** Text for screen readers (<desc>); a plain summary is generated if omitted. */
  description?: string;
  width?: number;
  height?: number;
}

export interface AxisOptions {
  label: string;
  /** `time`: values are µs of virtual time, ticks on human steps. `duration`: µs as 1.5s, 20ms. */
  kind?: 'number' | 'time' | 'duration';
  format?: (v: number) => string;
}

/** Values held over consecutive x-intervals: values[i] covers [x0 + i·dx, x0 + (i+1)·dx). */
export interface StepSeries {
  type: 'step';
  name: string;
  x0: number;
  dx: number;
  values: readonly number[];
  color?: string;
  dashed?: boolean;
  /** Thinner and paler: context (e.g. arrivals) behind the series that matters. */
  light?: boolean;
  /** Shade the area under the line. */
  area?: boolean;
}

export interface PointSeries {
  type: 'line';
  name: string;
  points: ReadonlyArray<readonly [number, number]>;
  color?: string;
  dashed?: boolean;
  light?: boolean;
  area?: boolean;
}

export type Series = StepSeries | PointSeries;

export interface ReferenceLine {
  y: number;
  label: string;
  color?: string;
}

/** x-ranges to shade behind the data (throttled, paused, outage…); one legend entry per group. */
export interface ShadedRanges {
  label: string;
  color: string;
  ranges: ReadonlyArray<readonly [number, number]>;
}

export interface LineChartOptions extends ChartFrame {
  x: AxisOptions;
  y: AxisOptions;
  series: readonly Series[];
  refLines?: readonly ReferenceLine[];
  shaded?: readonly ShadedRanges[];
  /** Fixed x domain; otherwise the data's extent. */
  xDomain?: readonly [number, number];
  /** Smallest y maximum (so an all-zero chart still has an axis). */
  yMinMax?: number;
}

interface LegendItem {
  label: string;
  color: string;
  shape: 'line' | 'dash' | 'box' | 'dot';
}

interface Layout {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
  legendSvg: string;
}

const TITLE_SIZE = 15;
const TEXT_SIZE = 11.5;

/** Lays out title and legend rows; returns the plot box and the legend's markup. */
function layout(frame: ChartFrame, legend: LegendItem[], yTickLabels: string[], hasYLabel: boolean): Layout {
  const width = frame.width ?? 640;
  const height = frame.height ?? 300;
  const yLabelRoom = hasYLabel ? 20 : 0;
  const left = Math.ceil(14 + yLabelRoom + Math.max(16, ...yTickLabels.map((t) => textWidth(t, TEXT_SIZE))));
  const right = 18;
  let x = left;
  let row = 0;
  const parts: string[] = [];
  for (const item of legend) {
    const w = 24 + textWidth(item.label, TEXT_SIZE) + 16;
    if (x + w > width - right && x > left) {
      row++;
      x = left;
    }
    const y = 44 + row * 18;
    parts.push(legendSwatch(item, x, y));
    parts.push(`<text x="${n(x + 22)}" y="${n(y + 4)}">${escapeXml(item.label)}</text>`);
    x += w;
  }
  const rows = legend.length ? row + 1 : 0;
  const top = 40 + rows * 18 + 12;
  const legendSvg = parts.length
    ? `<g class="legend" font-size="${TEXT_SIZE}" fill="${PALETTE.muted}">${parts.join('')}</g>`
    : '';
  return { width, height, left, right, top, bottom: 46, legendSvg };
}

function legendSwatch(item: LegendItem, x: number, y: number): string {
  if (item.shape === 'dot') {
    return `<circle cx="${n(x + 8)}" cy="${n(y)}" r="3.5" fill="#ffffff" stroke="${escapeXml(item.color)}" stroke-width="1.5"/>`;
  }
  if (item.shape === 'box') {
    return `<rect x="${n(x)}" y="${n(y - 5)}" width="16" height="10" rx="2" fill="${escapeXml(item.color)}" fill-opacity="0.25" stroke="${escapeXml(item.color)}" stroke-opacity="0.6"/>`;
  }
  const dash = item.shape === 'dash' ? ' stroke-dasharray="4 3"' : '';
  return `<line x1="${n(x)}" y1="${n(y)}" x2="${n(x + 16)}" y2="${n(y)}" stroke="${escapeXml(item.color)}" stroke-width="2.5"${dash}/>`;
}

function open(frame: ChartFrame, lay: Layout, defaultDesc: string): string {
  const id = safeId(frame.id);
  const desc = frame.description ?? defaultDesc;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="${id}" viewBox="0 0 ${lay.width} ${lay.height}" ` +
    `width="${lay.width}" height="${lay.height}" role="img" aria-labelledby="${id}-title ${id}-desc" ` +
    `font-family="${escapeXml(FONT)}">` +
    `<title id="${id}-title">${escapeXml(frame.title)}</title>` +
    `<desc id="${id}-desc">${escapeXml(desc)}</desc>` +
    `<rect width="${lay.width}" height="${lay.height}" fill="#ffffff"/>` +
    `<text x="${lay.left}" y="24" font-size="${TITLE_SIZE}" font-weight="600" fill="${PALETTE.ink}">${escapeXml(frame.title)}</text>` +
    lay.legendSvg
  );
}

function plotBox(lay: Layout): { x0: number; x1: number; y0: number; y1: number } {
  return { x0: lay.left, x1: lay.width - lay.right, y0: lay.height - lay.bottom, y1: lay.top };
}

/** Gridlines, tick labels and axis titles. */
function axes(
  lay: Layout,
  xs: Scale,
  ys: Scale,
  xTicks: readonly number[],
  yTicks: readonly number[],
  xFormat: (v: number) => string,
  yFormat: (v: number) => string,
  xLabel: string,
  yLabel: string,
): string {
  const box = plotBox(lay);
  const out: string[] = [`<g class="grid" stroke="${PALETTE.grid}" stroke-width="1">`];
  for (const t of yTicks)
    out.push(`<line x1="${n(box.x0)}" x2="${n(box.x1)}" y1="${n(ys.map(t))}" y2="${n(ys.map(t))}"/>`);
  out.push('</g>');
  out.push(`<g class="ticks" font-size="${TEXT_SIZE}" fill="${PALETTE.muted}">`);
  for (const t of yTicks) {
    out.push(`<text x="${n(box.x0 - 6)}" y="${n(ys.map(t) + 4)}" text-anchor="end">${escapeXml(yFormat(t))}</text>`);
  }
  let lastRight = -Infinity;
  for (const t of xTicks) {
    const x = xs.map(t);
    const label = xFormat(t);
    const w = textWidth(label, TEXT_SIZE);
    // Keep the label inside the picture, and skip it if it would overlap the previous one.
    const cx = Math.min(lay.width - 2 - w / 2, Math.max(w / 2 + 2, x));
    if (cx - w / 2 < lastRight + 6) continue;
    lastRight = cx + w / 2;
    out.push(`<line x1="${n(x)}" x2="${n(x)}" y1="${n(box.y0)}" y2="${n(box.y0 + 4)}" stroke="${PALETTE.axis}"/>`);
    out.push(`<text x="${n(cx)}" y="${n(box.y0 + 17)}" text-anchor="middle">${escapeXml(label)}</text>`);
  }
  out.push('</g>');
  out.push(`<line x1="${n(box.x0)}" x2="${n(box.x1)}" y1="${n(box.y0)}" y2="${n(box.y0)}" stroke="${PALETTE.axis}"/>`);
  out.push(
    `<text x="${n((box.x0 + box.x1) / 2)}" y="${n(lay.height - 8)}" text-anchor="middle" font-size="${TEXT_SIZE}" fill="${PALETTE.muted}">${escapeXml(xLabel)}</text>`,
  );
  if (yLabel) {
    const cy = (box.y0 + box.y1) / 2;
    out.push(
      `<text transform="translate(14 ${n(cy)}) rotate(-90)" text-anchor="middle" font-size="${TEXT_SIZE}" fill="${PALETTE.muted}">${escapeXml(yLabel)}</text>`,
    );
  }
  return out.join('');
}

function noData(lay: Layout): string {
  const box = plotBox(lay);
  return `<text x="${n((box.x0 + box.x1) / 2)}" y="${n((box.y0 + box.y1) / 2)}" text-anchor="middle" font-size="13" fill="${PALETTE.muted}">No data</text>`;
}

function xAxisSetup(
  axis: AxisOptions,
  lo: number,
  hi: number,
): { ticks: Ticks; format: (v: number) => string; label: string } {
  if (axis.kind === 'time') {
    const ticks = timeTicks(lo, hi);
    const tf = timeTickFormat(hi);
    return { ticks, format: axis.format ?? tf.format, label: `${axis.label} (${tf.unit})` };
  }
  if (axis.kind === 'duration' && lo >= 0)
    return { ticks: durationTicks(hi), format: axis.format ?? formatDurationShort, label: axis.label };
  return { ticks: linearTicks(lo, hi, 6), format: axis.format ?? formatCompact, label: axis.label };
}

function seriesExtent(series: readonly Series[]): { x0: number; x1: number; yMax: number; any: boolean } {
  let x0 = Infinity;
  let x1 = -Infinity;
  let yMax = 0;
  let any = false;
  for (const s of series) {
    if (s.type === 'step') {
      if (!s.values.length) continue;
      any = true;
      x0 = Math.min(x0, s.x0);
      x1 = Math.max(x1, s.x0 + s.values.length * s.dx);
      for (const v of s.values) if (Number.isFinite(v)) yMax = Math.max(yMax, v);
    } else {
      for (const [x, y] of s.points) {
        any = true;
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        if (Number.isFinite(y)) yMax = Math.max(yMax, y);
      }
    }
  }
  return { x0, x1, yMax, any };
}

/** The path of a series; non-finite values leave a gap (the line is not drawn there). */
function seriesPath(s: Series, xs: Scale, ys: Scale): { line: string; area: string } {
  const base = n(ys.map(ys.d0));
  const segments: Array<{ d: string; x0: number }> = [];
  let current: { d: string; x0: number } | undefined;
  const gap = (): void => {
    if (current) segments.push(current);
    current = undefined;
  };
  if (s.type === 'step') {
    s.values.forEach((v, i) => {
      if (!Number.isFinite(v)) return gap();
      const xa = xs.map(s.x0 + i * s.dx);
      const xb = xs.map(s.x0 + (i + 1) * s.dx);
      const y = n(ys.clamped(v));
      if (current) current.d += `V${y}H${n(xb)}`;
      else current = { d: `M${n(xa)} ${y}H${n(xb)}`, x0: xa };
    });
  } else {
    for (const [x, y] of s.points) {
      if (!Number.isFinite(y) || !Number.isFinite(x)) {
        gap();
        continue;
      }
      const px = xs.map(x);
      const py = n(ys.clamped(y));
      if (current) current.d += `L${n(px)} ${py}`;
      else current = { d: `M${n(px)} ${py}`, x0: px };
    }
  }
  gap();
  return {
    line: segments.map((g) => g.d).join(''),
    area: segments.map((g) => `${g.d}V${base}H${n(g.x0)}Z`).join(''),
  };
}

/** A line or step chart over x, with reference lines (configured limits) and shaded x-ranges. */
export function lineChart(opts: LineChartOptions): string {
  const ext = seriesExtent(opts.series);
  const refs = opts.refLines ?? [];
  const shaded = (opts.shaded ?? []).filter((g) => g.ranges.length > 0);
  const xLo = opts.xDomain?.[0] ?? (ext.any ? ext.x0 : 0);
  const xHi = opts.xDomain?.[1] ?? (ext.any ? ext.x1 : 1);
  const yMax = Math.max(ext.yMax, opts.yMinMax ?? 0, ...refs.map((r) => r.y * 1.08));
  const yt = linearTicks(0, yMax > 0 ? yMax : 1, 5);
  const yFormat = opts.y.format ?? (opts.y.kind === 'duration' ? formatDurationShort : formatCompact);
  const xa = xAxisSetup(opts.x, xLo, xHi > xLo ? xHi : xLo + 1);

  const legend: LegendItem[] = [
    ...opts.series.map((s, i) => ({
      label: s.name,
      color: s.color ?? SERIES_COLORS[i % SERIES_COLORS.length],
      shape: s.dashed ? ('dash' as const) : ('line' as const),
    })),
    ...refs.map((r) => ({ label: r.label, color: r.color ?? PALETTE.ink, shape: 'dash' as const })),
    ...shaded.map((g) => ({ label: g.label, color: g.color, shape: 'box' as const })),
  ];
  const lay = layout(opts, legend, yt.ticks.map(yFormat), Boolean(opts.y.label));
  const box = plotBox(lay);
  const xs = new Scale(xa.ticks.min, xa.ticks.max, box.x0, box.x1);
  const ys = new Scale(yt.min, yt.max, box.y0, box.y1);

  const desc =
    `Line chart of ${opts.series.map((s) => s.name).join(', ') || 'no series'} against ${opts.x.label}` +
    (refs.length ? `; reference lines: ${refs.map((r) => `${r.label} at ${yFormat(r.y)}`).join(', ')}` : '') +
    (shaded.length ? `; shaded: ${shaded.map((g) => `${g.label} (${g.ranges.length})`).join(', ')}` : '') +
    '.';
  const out: string[] = [open(opts, lay, desc)];

  // Shaded ranges first, so data is drawn over them; at least 1px wide so short periods still show.
  for (const g of shaded) {
    out.push(`<g class="shaded" fill="${escapeXml(g.color)}" fill-opacity="0.16">`);
    for (const [a, b] of g.ranges) {
      if (b < xs.d0 || a > xs.d1) continue;
      const pa = xs.clamped(a);
      const pb = Math.max(pa + 1, xs.clamped(b));
      out.push(`<rect x="${n(pa)}" y="${n(box.y1)}" width="${n(pb - pa)}" height="${n(box.y0 - box.y1)}"/>`);
    }
    out.push('</g>');
  }
  out.push(axes(lay, xs, ys, xa.ticks.ticks, yt.ticks, xa.format, yFormat, xa.label, opts.y.label));

  if (!ext.any) out.push(noData(lay));
  opts.series.forEach((s, i) => {
    const color = escapeXml(s.color ?? SERIES_COLORS[i % SERIES_COLORS.length]);
    const { line, area } = seriesPath(s, xs, ys);
    if (!line) return;
    if (s.area) out.push(`<path d="${area}" fill="${color}" fill-opacity="0.12" stroke="none"/>`);
    const dash = s.dashed ? ' stroke-dasharray="5 4"' : '';
    const stroke = s.light ? 'stroke-width="1.1" stroke-opacity="0.7"' : 'stroke-width="1.8"';
    out.push(`<path d="${line}" fill="none" stroke="${color}" ${stroke} stroke-linejoin="round"${dash}/>`);
  });

  // Reference labels sit above their line at the right end; one that would overlap a label already
  // placed there moves to the left end instead.
  const placedRight: number[] = [];
  for (const r of refs) {
    const y = ys.map(r.y);
    const color = escapeXml(r.color ?? PALETTE.ink);
    out.push(
      `<line x1="${n(box.x0)}" x2="${n(box.x1)}" y1="${n(y)}" y2="${n(y)}" stroke="${color}" stroke-width="1.4" stroke-dasharray="6 4"/>`,
    );
    const right = !placedRight.some((py) => Math.abs(py - y) < TEXT_SIZE + 3);
    if (right) placedRight.push(y);
    out.push(
      `<text x="${n(right ? box.x1 - 4 : box.x0 + 4)}" y="${n(y - 5)}" text-anchor="${right ? 'end' : 'start'}" font-size="${TEXT_SIZE}" fill="${color}" ` +
        `stroke="#ffffff" stroke-width="3" paint-order="stroke">${escapeXml(r.label)}</text>`,
    );
  }
  out.push('</svg>');
  return out.join('');
}

export interface Bar {
  label: string;
  value: number;
}

export interface BarChartOptions extends ChartFrame {
  x: { label: string };
  y: { label: string; format?: (v: number) => string };
  bars: readonly Bar[];
  color?: string;
}

/** Vertical bars over categories (a histogram when the categories are bins). */
export function barChart(opts: BarChartOptions): string {
  const bars = opts.bars;
  const yMax = Math.max(0, ...bars.map((b) => (Number.isFinite(b.value) ? b.value : 0)));
  const yt = linearTicks(0, yMax > 0 ? yMax : 1, 5);
  const yFormat = opts.y.format ?? formatCompact;
  const lay = layout(opts, [], yt.ticks.map(yFormat), Boolean(opts.y.label));
  const box = plotBox(lay);
  const ys = new Scale(yt.min, yt.max, box.y0, box.y1);
  const color = escapeXml(opts.color ?? PALETTE.blue);
  const band = (box.x1 - box.x0) / Math.max(1, bars.length);
  const desc = `Bar chart of ${opts.y.label} by ${opts.x.label}: ${bars
    .slice(0, 12)
    .map((b) => `${b.label}: ${yFormat(b.value)}`)
    .join(', ')}${bars.length > 12 ? ', …' : ''}.`;

  const out: string[] = [open(opts, lay, desc)];
  // The x "ticks" are the bar labels, thinned so they never overlap.
  const widest = Math.max(0, ...bars.map((b) => textWidth(b.label, TEXT_SIZE)));
  const every = Math.max(1, Math.ceil((widest + 6) / band));
  const xs = new Scale(0, 1, box.x0, box.x1);
  out.push(axes(lay, xs, ys, [], yt.ticks, () => '', yFormat, opts.x.label, opts.y.label));
  if (!bars.length) out.push(noData(lay));
  out.push(`<g class="bars" fill="${color}">`);
  bars.forEach((b, i) => {
    const v = Number.isFinite(b.value) ? b.value : 0;
    const w = Math.max(1, band * 0.72);
    const x = box.x0 + i * band + (band - w) / 2;
    const y = ys.map(v);
    const h = Math.max(v > 0 ? 1 : 0, box.y0 - y);
    out.push(
      `<rect x="${n(x)}" y="${n(box.y0 - h)}" width="${n(w)}" height="${n(h)}" rx="1.5"><title>${escapeXml(`${b.label}: ${yFormat(v)}`)}</title></rect>`,
    );
  });
  out.push('</g>');
  out.push(`<g font-size="${TEXT_SIZE}" fill="${PALETTE.muted}" text-anchor="middle">`);
  bars.forEach((b, i) => {
    if (i % every !== 0) return;
    const cx = box.x0 + (i + 0.5) * band;
    out.push(`<text x="${n(cx)}" y="${n(box.y0 + 17)}">${escapeXml(b.label)}</text>`);
  });
  // Value labels on top of the bars when there is room for them.
  if (bars.length <= 24) {
    bars.forEach((b, i) => {
      const label = yFormat(b.value);
      if (textWidth(label, 10.5) > band + 4) return;
      const cx = box.x0 + (i + 0.5) * band;
      out.push(
        `<text x="${n(cx)}" y="${n(ys.map(b.value) - 4)}" font-size="10.5" fill="${PALETTE.ink}">${escapeXml(label)}</text>`,
      );
    });
  }
  out.push('</g></svg>');
  return out.join('');
}

/** A percentile drawn on a CDF: its drop line stands at `percentile`; the label reads `p<percentile>`. */
export interface PercentileMark {
  percentile: number;
  value: number;
}

const markLabel = (m: PercentileMark): string => `p${m.percentile}`;

export interface CdfChartOptions extends ChartFrame {
  x: { label: string; kind?: 'duration' | 'number'; format?: (v: number) => string };
  /** [value, percentile 0–100], percentile ascending. */
  points: ReadonlyArray<readonly [number, number]>;
  /** More curves on the same axes (e.g. run A against run B); drawn with a legend, `points` ignored. */
  curves?: ReadonlyArray<{ name: string; points: ReadonlyArray<readonly [number, number]>; color?: string }>;
  marks?: readonly PercentileMark[];
  /** Log x axis: `auto` picks it when the values span more than ~2 decades. */
  logX?: boolean | 'auto';
  color?: string;
}

/** A cumulative distribution: x is the value, y the share of samples at or below it. */
export function cdfChart(opts: CdfChartOptions): string {
  const finite = (ps: ReadonlyArray<readonly [number, number]>): Array<readonly [number, number]> =>
    ps.filter(([v, p]) => Number.isFinite(v) && Number.isFinite(p));
  const curves = (opts.curves ?? [{ name: '', points: opts.points, color: opts.color }]).map((c, i) => ({
    name: c.name,
    points: finite(c.points),
    color: escapeXml(c.color ?? SERIES_COLORS[i % SERIES_COLORS.length]),
  }));
  const marks = (opts.marks ?? []).filter((m) => Number.isFinite(m.value));
  const values = [...curves.flatMap((c) => c.points.map((p) => p[0])), ...marks.map((m) => m.value)];
  const positive = values.filter((v) => v > 0);
  const vMin = positive.length ? Math.min(...positive) : 1;
  const vMax = values.length ? Math.max(...values) : 1;
  const kind = opts.x.kind ?? 'duration';
  const useLog = opts.logX === 'auto' || opts.logX === undefined ? positive.length > 0 && vMax / vMin > 150 : opts.logX;
  const xt = useLog
    ? logTicks(vMin, vMax, kind === 'duration' ? 'time' : 'number')
    : kind === 'duration'
      ? durationTicks(vMax)
      : linearTicks(0, vMax > 0 ? vMax : 1, 6);
  const xFormat = opts.x.format ?? (kind === 'duration' ? formatDurationShort : formatCompact);
  const yt: Ticks = { min: 0, max: 100, ticks: [0, 25, 50, 75, 100] };
  const yFormat = (v: number): string => `${v}%`;
  // Percentile values go in the legend; the drop lines carry only the short name, so they stay readable
  // when p99 and p99.9 sit a pixel apart.
  const legend: LegendItem[] = [
    ...(opts.curves ? curves.map((c) => ({ label: c.name, color: c.color, shape: 'line' as const })) : []),
    ...marks.map((m) => ({ label: `${markLabel(m)} ${xFormat(m.value)}`, color: PALETTE.red, shape: 'dot' as const })),
  ];

  const lay = layout(opts, legend, yt.ticks.map(yFormat), true);
  const box = plotBox(lay);
  const xs = new Scale(xt.min, xt.max, box.x0, box.x1, useLog);
  const ys = new Scale(0, 100, box.y0, box.y1);
  const desc =
    `Cumulative distribution of ${opts.x.label}${useLog ? ' (log scale)' : ''}` +
    (marks.length ? `: ${marks.map((m) => `${markLabel(m)} ${xFormat(m.value)}`).join(', ')}` : '') +
    '.';
  const out: string[] = [open(opts, lay, desc)];
  out.push(
    axes(
      lay,
      xs,
      ys,
      xt.ticks,
      yt.ticks,
      xFormat,
      yFormat,
      opts.x.label + (useLog ? ' (log scale)' : ''),
      'tasks at or below',
    ),
  );
  if (!curves.some((c) => c.points.length)) out.push(noData(lay));
  for (const { points: pts, color } of curves) {
    if (!pts.length) continue;
    const d = pts.map(([v, p], i) => `${i === 0 ? 'M' : 'L'}${n(xs.clamped(v))} ${n(ys.map(p))}`).join('');
    const last = pts[pts.length - 1];
    if (curves.length === 1) {
      out.push(
        `<path d="${d}V${n(ys.map(0))}H${n(xs.clamped(pts[0][0]))}Z" fill="${color}" fill-opacity="0.08" stroke="none"/>`,
      );
    }
    out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2" stroke-linejoin="round"/>`);
    out.push(`<circle cx="${n(xs.clamped(last[0]))}" cy="${n(ys.map(last[1]))}" r="2.5" fill="${color}"/>`);
  }

  // Marks: a dashed drop line per percentile, labels stacked in rows at the top so they never overlap.
  const rowsRight: number[] = [];
  const sorted = [...marks].sort((a, b) => a.value - b.value);
  out.push(`<g class="marks" font-size="${TEXT_SIZE}">`);
  for (const m of sorted) {
    const x = xs.clamped(m.value);
    const y = ys.map(m.percentile);
    const label = markLabel(m);
    const w = textWidth(label, TEXT_SIZE);
    const anchorEnd = x + 4 + w > box.x1;
    const left = anchorEnd ? x - 4 - w : x + 4;
    let row = rowsRight.findIndex((r) => r < left - 8);
    if (row < 0) {
      row = rowsRight.length;
      rowsRight.push(-Infinity);
    }
    rowsRight[row] = left + w;
    const ty = box.y0 - 8 - row * 15;
    out.push(
      `<line x1="${n(x)}" x2="${n(x)}" y1="${n(box.y0)}" y2="${n(y)}" stroke="${PALETTE.red}" stroke-width="1.2" stroke-dasharray="3 3"/>`,
    );
    out.push(`<circle cx="${n(x)}" cy="${n(y)}" r="3.5" fill="#ffffff" stroke="${PALETTE.red}" stroke-width="1.5"/>`);
    out.push(
      `<text x="${n(anchorEnd ? x - 4 : x + 4)}" y="${n(ty)}" text-anchor="${anchorEnd ? 'end' : 'start'}" fill="${PALETTE.red}" ` +
        `stroke="#ffffff" stroke-width="3" paint-order="stroke">${escapeXml(label)}</text>`,
    );
  }
  out.push('</g></svg>');
  return out.join('');
}
