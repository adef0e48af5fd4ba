import { Resvg } from '@resvg/resvg-js';
import { quantileLinear } from '../numpy-sum.js';
import { formatFixed, roundHalfEven } from './format-number.js';
import { compareCodePoints, type MetricColumn, type SubjectStructureMetrics } from './metrics-tables.js';

/** One box of a box plot: matplotlib's `boxplot` statistics (whiskers at 1.5 IQR). */
export interface BoxStatistics {
  /** Box label, e.g. the structure name. */
  readonly label: string;
  /** The finite values, ascending (non-finite ones are left out and counted in `excluded`). */
  readonly values: Float64Array;
  /** Values that are NaN or infinite, left out of the box. */
  readonly excluded: number;
  readonly q1: number;
  readonly median: number;
  readonly q3: number;
  /** Smallest value ≥ q1 − 1.5·IQR, and largest ≤ q3 + 1.5·IQR. */
  readonly whiskerLow: number;
  readonly whiskerHigh: number;
}


/**
 * matplotlib's box statistics for one group: linear-interpolation quartiles, whiskers at the most
 * extreme values within 1.5 IQR of the box. NaN and infinite values are left out.
 * @returns `undefined` when no finite value remains.
 * @example
 * ```ts
 * boxStatistics('hippocampus_L', [0.9, 0.91, 0.92, 0.93, 0.2])!.whiskerLow; // 0.9 (0.2 is an outlier)
 * ```
 */
export function boxStatistics(label: string, values: readonly number[]): BoxStatistics | undefined {
  const finite = Float64Array.from(values.filter((v) => Number.isFinite(v))).sort();
  if (finite.length === 0) return undefined;
  const q1 = quantileLinear(finite, 0.25);
  const median = quantileLinear(finite, 0.5);
  const q3 = quantileLinear(finite, 0.75);
  const iqr = q3 - q1;
  let whiskerLow = q1;
  let whiskerHigh = q3;
  for (const v of finite) {
    if (v >= q1 - 1.5 * iqr && v < whiskerLow) whiskerLow = v;
    if (v <= q3 + 1.5 * iqr && v > whiskerHigh) whiskerHigh = v;
  }
  return { label, values: finite, excluded: values.length - finite.length, q1, median, q3, whiskerLow, whiskerHigh };
}

function niceStep(span: number): number {
  const raw = span / 5;
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * p;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Options of {@link boxPlotSvg}. */
export interface BoxPlotOptions {
  /** Title above the plot. */
  readonly title: string;
  /** y-axis label, e.g. `"DiceNumeric"`. x-axis label is `"Structure"`. */
  readonly yLabel: string;
  /** Image size in px. Default 750 × 600 (InnerEye's 5 × 4 in at 150 dpi). */
  readonly width?: number;
  readonly height?: number;
}

/**
 * A box plot as a standalone SVG document: one box per group (quartiles, median, whiskers at
 * 1.5 IQR as matplotlib draws them), every finite value drawn as a point (deterministic horizontal
 * jitter), points beyond the whiskers drawn hollow, and under each label the number of values and
 * how many were not finite and left out. Grid lines as in InnerEye's plot.
 * @example
 * ```ts
 * const svg = boxPlotSvg([boxStatistics('hippocampus_L', dice)!], { title: 'Dice', yLabel: 'DiceNumeric' });
 * ```
 */
export function boxPlotSvg(boxes: readonly BoxStatistics[], options: BoxPlotOptions): string {
  const width = options.width ?? 750;
  const height = options.height ?? 600;
  const left = 90; const right = 30; const top = 60; const bottom = 120;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  let lo = Infinity; let hi = -Infinity;
  for (const b of boxes) { lo = Math.min(lo, b.values[0]!); hi = Math.max(hi, b.values[b.values.length - 1]!); }
  if (!Number.isFinite(lo)) { lo = 0; hi = 1; }
  if (hi - lo < 1e-12) { lo -= 0.5; hi += 0.5; }
  const step = niceStep(hi - lo);
  const pad = 0.03 * (hi - lo);
  const y0 = Math.floor((lo - pad) / step) * step;
  const y1 = Math.ceil((hi + pad) / step) * step;
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9)) + (Math.abs(step / 10 ** Math.floor(Math.log10(step)) - 2.5) < 1e-9 ? 1 : 0);
  const y = (v: number) => top + plotH * (1 - (v - y0) / (y1 - y0));
  const font = 'font-family="DejaVu Sans, Arial, Helvetica, sans-serif"';
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`);
  out.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  out.push(`<text x="${left + plotW / 2}" y="${top / 2 + 6}" text-anchor="middle" font-size="18" ${font}>${escapeXml(options.title)}</text>`);
  for (let v = y0, k = 0; v <= y1 + step / 2 && k < 100; v += step, k++) {
    const yy = y(v).toFixed(2);
    out.push(`<line x1="${left}" y1="${yy}" x2="${left + plotW}" y2="${yy}" stroke="#dddddd" stroke-width="1"/>`);
    out.push(`<text x="${left - 8}" y="${yy}" dy="5" text-anchor="end" font-size="13" ${font}>${formatFixed(v, decimals)}</text>`);
  }
  out.push(`<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="black" stroke-width="1"/>`);
  out.push(`<text transform="translate(${left - 62} ${top + plotH / 2}) rotate(-90)" text-anchor="middle" font-size="15" ${font}>${escapeXml(options.yLabel)}</text>`);
  out.push(`<text x="${left + plotW / 2}" y="${height - 12}" text-anchor="middle" font-size="15" ${font}>Structure</text>`);
  const slot = plotW / Math.max(1, boxes.length);
  boxes.forEach((b, i) => {
    const cx = left + slot * (i + 0.5);
    const half = Math.min(40, slot * 0.25);
    const f = (v: number) => y(v).toFixed(2);
    out.push(`<g stroke="black" stroke-width="1.5" fill="none">`);
    out.push(`<line x1="${cx}" y1="${f(b.q3)}" x2="${cx}" y2="${f(b.whiskerHigh)}"/>`);
    out.push(`<line x1="${cx}" y1="${f(b.q1)}" x2="${cx}" y2="${f(b.whiskerLow)}"/>`);
    out.push(`<line x1="${cx - half / 2}" y1="${f(b.whiskerHigh)}" x2="${cx + half / 2}" y2="${f(b.whiskerHigh)}"/>`);
    out.push(`<line x1="${cx - half / 2}" y1="${f(b.whiskerLow)}" x2="${cx + half / 2}" y2="${f(b.whiskerLow)}"/>`);
    out.push(`<rect x="${cx - half}" y="${f(b.q3)}" width="${2 * half}" height="${(y(b.q1) - y(b.q3)).toFixed(2)}" fill="#cfe0f0"/>`);
    out.push(`<line x1="${cx - half}" y1="${f(b.median)}" x2="${cx + half}" y2="${f(b.median)}" stroke="#e07020" stroke-width="2.5"/>`);
    out.push('</g>');
    out.push('<g>');
    b.values.forEach((v, k) => {
      const jitter = (((k * 0.6180339887498949) % 1) - 0.5) * half * 1.6;
      const outlier = v < b.whiskerLow || v > b.whiskerHigh;
      out.push(`<circle cx="${(cx + jitter).toFixed(2)}" cy="${f(v)}" r="2.6" ${outlier
        ? 'fill="white" stroke="#b00020" stroke-width="1.2"' : 'fill="#1f4e79" fill-opacity="0.55"'}/>`);
    });
    out.push('</g>');
    const labelY = top + plotH + 36;
    out.push(`<text transform="translate(${cx} ${labelY}) rotate(-30)" text-anchor="end" font-size="13" ${font}>${escapeXml(b.label)}</text>`);
    const n = `n=${b.values.length}${b.excluded > 0 ? ` (+${b.excluded} not finite)` : ''}`;
    out.push(`<text x="${cx}" y="${top + plotH + 16}" text-anchor="middle" font-size="11" fill="#555555" ${font}>${n}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/**
 * Renders an SVG document to PNG with resvg (`@resvg/resvg-js`, which ships its native binary in
 * the npm package, so it works offline). Text uses the system's fonts (DejaVu Sans, Arial,
 * Helvetica or any sans-serif); on a machine with no fonts, text is left out of the PNG.
 * @example
 * ```ts
 * writeFileSync('plot.png', svgToPng(svg));
 * ```
 */
export function svgToPng(svg: string): Uint8Array {
  const r = new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, background: 'white' });
  return r.render().asPng();
}

/**
 * Box statistics of one metric per structure, on the 3-decimal-rounded values (as InnerEye plots
 * the values of its `metrics.csv`), structures in order of first appearance after sorting by
 * (subject, structure), as InnerEye's `boxplot_per_structure`.
 * @example
 * ```ts
 * boxPlotSvg(metricBoxes(results, 'DiceNumeric'), { title: 'Dice', yLabel: 'DiceNumeric' });
 * ```
 */
export function metricBoxes(results: readonly SubjectStructureMetrics[], metric: MetricColumn): BoxStatistics[] {
  const sorted = [...results].sort((a, b) => compareCodePoints(a.subject, b.subject) || compareCodePoints(a.structure, b.structure));
  const names = [...new Set(sorted.map((r) => r.structure))];
  return names
    .map((n) => boxStatistics(n, sorted.filter((r) => r.structure === n).map((r) => roundHalfEven(r[metric]))))
    .filter((b): b is BoxStatistics => b !== undefined);
}
