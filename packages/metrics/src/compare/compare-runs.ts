// Two runs over the same cohort, compared pair by pair: per structure and metric, the mean paired
// difference (b − a) with its 95% confidence interval (Student t) and the Wilcoxon signed-rank
// p-value (as scipy's), written as compare.csv and compare.html (with paired plots). Subjects in
// only one run are listed, never silently dropped.
import { pythonFloatRepr } from '../reports/format-number.js';
import { html, trustedHtml } from '../reports/html.js';
import { compareCodePoints } from '../reports/metrics-tables.js';
import { studentTQuantile } from '../reports/statistics.js';
import { wilcoxonSignedRank, type WilcoxonMethod } from './wilcoxon.js';

/** One subject's values of one structure in one run, by metric name. */
export interface RunValues {
  readonly subject: string;
  readonly structure: string;
  readonly values: Readonly<Record<string, number>>;
}

/** The comparison of one metric of one structure. */
export interface ComparisonRow {
  readonly structure: string;
  readonly metric: string;
  /** Pairs with finite values in both runs (those compared). */
  readonly pairs: number;
  /** Pairs left out because a value is NaN or infinite in either run. */
  readonly nonFinite: number;
  readonly meanA: number;
  readonly meanB: number;
  /** Mean of b − a, and its 95% confidence interval. */
  readonly meanDifference: number;
  readonly ci95Low: number;
  readonly ci95High: number;
  readonly wilcoxonStatistic: number;
  readonly wilcoxonP: number;
  readonly wilcoxonMethod: WilcoxonMethod;
  readonly zeroDifferences: number;
  /** The compared pairs, for the plots. */
  readonly paired: readonly { subject: string; a: number; b: number }[];
}

export interface RunComparison {
  readonly rows: ComparisonRow[];
  readonly onlyInA: string[];
  readonly onlyInB: string[];
}

const mean = (v: readonly number[]) => v.reduce((s, x) => s + x, 0) / v.length;

/** Pairs the runs' subjects and structures and compares every metric both runs carry. */
export function compareRuns(a: readonly RunValues[], b: readonly RunValues[]): RunComparison {
  const key = (r: RunValues) => JSON.stringify([r.subject, r.structure]);
  const inB = new Map(b.map((r) => [key(r), r]));
  const subjectsA = new Set(a.map((r) => r.subject));
  const subjectsB = new Set(b.map((r) => r.subject));
  const onlyInA = [...subjectsA].filter((s) => !subjectsB.has(s)).sort(compareCodePoints);
  const onlyInB = [...subjectsB].filter((s) => !subjectsA.has(s)).sort(compareCodePoints);
  const groups = new Map<string, { structure: string; metric: string; pairs: { subject: string; a: number; b: number }[] }>();
  for (const ra of a) {
    const rb = inB.get(key(ra));
    if (!rb) continue;
    for (const metric of Object.keys(ra.values)) {
      if (!(metric in rb.values)) continue;
      const g = JSON.stringify([ra.structure, metric]);
      if (!groups.has(g)) groups.set(g, { structure: ra.structure, metric, pairs: [] });
      groups.get(g)!.pairs.push({ subject: ra.subject, a: ra.values[metric]!, b: rb.values[metric]! });
    }
  }
  const rows = [...groups.values()]
    .sort((x, y) => compareCodePoints(x.structure, y.structure) || compareCodePoints(x.metric, y.metric))
    .map((g): ComparisonRow => {
      const paired = g.pairs.filter((p) => Number.isFinite(p.a) && Number.isFinite(p.b)).sort((x, y) => compareCodePoints(x.subject, y.subject));
      const d = paired.map((p) => p.b - p.a);
      const n = d.length;
      const md = n ? mean(d) : NaN;
      const sd = n > 1 ? Math.sqrt(d.reduce((s, x) => s + (x - md) ** 2, 0) / (n - 1)) : NaN;
      const half = n > 1 ? studentTQuantile(0.975, n - 1) * (sd / Math.sqrt(n)) : NaN;
      const w = wilcoxonSignedRank(d);
      return {
        structure: g.structure, metric: g.metric, pairs: n, nonFinite: g.pairs.length - n,
        meanA: n ? mean(paired.map((p) => p.a)) : NaN, meanB: n ? mean(paired.map((p) => p.b)) : NaN,
        meanDifference: md, ci95Low: md - half, ci95High: md + half,
        wilcoxonStatistic: w.statistic, wilcoxonP: w.pvalue, wilcoxonMethod: w.method, zeroDifferences: w.zeros, paired,
      };
    });
  return { rows, onlyInA, onlyInB };
}

const cell = (v: number) => (Number.isNaN(v) ? '' : pythonFloatRepr(v));
const csvField = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** The columns of compare.csv. */
export const COMPARE_COLUMNS = ['Structure', 'Metric', 'pairs', 'non_finite_pairs', 'mean_a', 'mean_b', 'mean_difference_b_minus_a',
  'ci95_low', 'ci95_high', 'wilcoxon_statistic', 'wilcoxon_p', 'wilcoxon_method', 'zero_differences'] as const;

/** compare.csv: one row per structure and metric, values as pandas writes floats (NaN empty). */
export function compareCsv(c: RunComparison): string {
  const lines = [COMPARE_COLUMNS.join(',')];
  for (const r of c.rows) {
    lines.push([csvField(r.structure), csvField(r.metric), String(r.pairs), String(r.nonFinite), cell(r.meanA), cell(r.meanB), cell(r.meanDifference),
      cell(r.ci95Low), cell(r.ci95High), cell(r.wilcoxonStatistic), cell(r.wilcoxonP), r.wilcoxonMethod, String(r.zeroDifferences)].join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** A paired plot: run A's values left, run B's right, one line per subject. */
function pairedPlotSvg(r: ComparisonRow): string {
  const W = 260; const H = 220; const top = 28; const bottom = 24;
  const all = r.paired.flatMap((p) => [p.a, p.b]);
  if (all.length === 0) return '';
  let lo = Math.min(...all); let hi = Math.max(...all);
  if (hi === lo) { lo -= 1; hi += 1; }
  const y = (v: number) => top + (H - top - bottom) * (1 - (v - lo) / (hi - lo));
  const lines = r.paired.map((p) => `<line x1="70" y1="${y(p.a).toFixed(1)}" x2="190" y2="${y(p.b).toFixed(1)}" stroke="${p.b > p.a ? '#1a7f37' : p.b < p.a ? '#cf222e' : '#57606a'}" stroke-opacity="0.6"/><circle cx="70" cy="${y(p.a).toFixed(1)}" r="2.5" fill="#0969da"/><circle cx="190" cy="${y(p.b).toFixed(1)}" r="2.5" fill="#bf8700"/>`);
  const text = (x: number, yy: number, s: string, anchor = 'middle') => html`<text x="${x}" y="${yy}" font-size="11" text-anchor="${anchor}">${s}</text>`.value;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">${
    text(W / 2, 14, `${r.structure} · ${r.metric}`)}${lines.join('')}${text(70, H - 6, 'run A')}${text(190, H - 6, 'run B')}${
    text(36, y(hi) + 4, hi.toPrecision(3), 'end')}${text(36, y(lo) + 4, lo.toPrecision(3), 'end')}</svg>`;
}

/** compare.html: the table, the unpaired subjects, and one paired plot per structure and metric; self-contained. */
export function compareHtml(c: RunComparison, labels: { a: string; b: string }): string {
  const fmt = (v: number) => (Number.isFinite(v) ? v.toPrecision(4) : String(v));
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Seahorse compare</title>
<style>body{font-family:system-ui,Helvetica,Arial,sans-serif;margin:2rem auto;max-width:1200px;padding:0 1rem}table{border-collapse:collapse;font-size:.8rem}th,td{border:1px solid #d0d7de;padding:.2rem .4rem;text-align:right}td:first-child,td:nth-child(2){text-align:left}figure{display:inline-block;margin:.3rem}.meta{color:#57606a;font-size:.85rem}</style></head>
<body><h1>Run B against run A</h1>
<p class="meta">A: ${labels.a}<br>B: ${labels.b}<br>Differences are B − A over the subjects and structures both runs hold; the 95% CI is Student's t; the p-value is the two-sided Wilcoxon signed-rank test as scipy.stats.wilcoxon computes it (exact without ties or zero differences up to 50 pairs; every sign flip up to 13 pairs with ties or zeros; otherwise the normal approximation with the tie-corrected variance).</p>
<h2>Subjects in only one run</h2>
<p>Only in A (${c.onlyInA.length}): ${c.onlyInA.join(', ') || 'none'}<br>Only in B (${c.onlyInB.length}): ${c.onlyInB.join(', ') || 'none'}</p>
<h2>Paired differences</h2>
<table><thead><tr>${COMPARE_COLUMNS.map((h) => html`<th>${h}</th>`)}</tr></thead><tbody>${c.rows.map((r) => html`<tr><td>${r.structure}</td><td>${r.metric}</td><td>${r.pairs}</td><td>${r.nonFinite}</td><td>${fmt(r.meanA)}</td><td>${fmt(r.meanB)}</td><td>${fmt(r.meanDifference)}</td><td>${fmt(r.ci95Low)}</td><td>${fmt(r.ci95High)}</td><td>${fmt(r.wilcoxonStatistic)}</td><td>${fmt(r.wilcoxonP)}</td><td>${r.wilcoxonMethod}</td><td>${r.zeroDifferences}</td></tr>`)}</tbody></table>
<h2>Paired plots</h2>
${c.rows.map((r) => html`<figure>${trustedHtml(pairedPlotSvg(r))}</figure>`)}
</body></html>
`.value;
}
