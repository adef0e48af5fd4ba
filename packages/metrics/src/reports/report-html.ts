// A self-contained HTML report of a run: provenance, the model-card table, the box plots inline,
// the per-subject table and the failed subjects with their reasons. No external resources.
// Rendered from the results themselves (the same cells metrics.csv and the aggregate tables are
// written from), never by parsing those files back.
import { aggregateTableCells, METRIC_COLUMNS, metricsTableCells, type MetricColumn, type SubjectStructureMetrics } from './metrics-tables.js';

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** An HTML table of cells, header row first; every cell escaped. */
export function tableHtml(cells: readonly (readonly string[])[]): string {
  const [head, ...body] = cells;
  if (!head) return '<p>(no table)</p>';
  return `<table><thead><tr>${head.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead><tbody>${
    body.map((row) => `<tr>${row.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

/**
 * The model-card table in a form that fits a page: one row per structure, one column per metric,
 * each cell `mean ± std (min–max)`, from the aggregate table's cells ({@link aggregateTableCells}).
 */
export function compactSummaryHtml(aggregateCells: readonly (readonly string[])[]): string {
  const [head, ...body] = aggregateCells;
  if (!head) return '<p>(no results)</p>';
  const at = (m: string, stat: string) => head.indexOf(`${m}_${stat}`);
  const labels: Record<MetricColumn, string> = { DiceNumeric: 'Dice', HausdorffDistance_mm: 'Hausdorff distance (mm)', MeanDistance_mm: 'Mean surface distance (mm)' };
  const rows = body.map((c) => {
    const metricCells = METRIC_COLUMNS.map((m) => {
      const [mean, std, min, max] = ['mean', 'std', 'min', 'max'].map((st) => c[at(m, st)] ?? '');
      return `<td>${escapeHtml(mean ?? '')}${std ? ` ± ${escapeHtml(std)}` : ''} <span class="range">(${escapeHtml(min ?? '')}–${escapeHtml(max ?? '')})</span></td>`;
    });
    return `<tr><td>${escapeHtml(c[0] ?? '')}</td><td>${escapeHtml(c[head.indexOf('count')] ?? '')}</td>${metricCells.join('')}</tr>`;
  });
  return `<table><thead><tr><th>Structure</th><th>n</th>${METRIC_COLUMNS.map((m) => `<th>${labels[m]}<br><span class="range">mean ± std (min–max)</span></th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export interface ReportHtmlInput {
  title: string;
  provenance: Readonly<Record<string, string>>;
  /** Per-subject, per-structure results (the rows of `metrics.csv` before rounding). */
  results: readonly SubjectStructureMetrics[];
  /** SVG documents, inlined. */
  plots: readonly { caption: string; svg: string }[];
  failures: readonly { subjectId: string; reason: string }[];
  generatedAt: string;
}

/**
 * The whole report as one HTML document.
 * @throws MetricsError `BAD_RESULTS` for invalid results.
 */
export function reportHtml(input: ReportHtmlInput): string {
  const aggregates = aggregateTableCells(input.results);
  const provenance = Object.entries(input.provenance)
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('');
  const plots = input.plots.length === 0
    ? '<p>No box plots: no structure has more than one value.</p>'
    : input.plots.map((p) => `<figure>${p.svg.replace(/^<\?xml[^>]*>\s*/, '')}<figcaption>${escapeHtml(p.caption)}</figcaption></figure>`).join('\n');
  const failures = input.failures.length === 0
    ? '<p>None: every subject has a result.</p>'
    : `<table><thead><tr><th>Subject</th><th>Reason</th></tr></thead><tbody>${
      input.failures.map((f) => `<tr><td>${escapeHtml(f.subjectId)}</td><td>${escapeHtml(f.reason)}</td></tr>`).join('')}</tbody></table>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(input.title)}</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:2rem auto;max-width:1100px;color:#1b1f24;padding:0 1rem}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:right}
th{background:#f6f8fa}td:first-child,th:first-child{text-align:left}
figure{display:inline-block;margin:.5rem 1rem .5rem 0;vertical-align:top}figcaption{font-size:.8rem;color:#57606a;text-align:center}
.meta{color:#57606a;font-size:.85rem}.range{color:#57606a;font-size:.75rem;font-weight:normal}
.wide{overflow-x:auto}details{margin:.5rem 0}summary{cursor:pointer;color:#0969da;font-size:.85rem}
figure svg{max-width:520px;height:auto}
</style></head>
<body>
<h1>${escapeHtml(input.title)}</h1>
<p class="meta">Generated ${escapeHtml(input.generatedAt)} by Seahorse. Metrics follow InnerEye's definitions (Dice, Hausdorff distance and mean surface distance in mm).</p>
<h2>Summary per structure</h2>
${compactSummaryHtml(aggregates)}
<details><summary>The full table, as InnerEye's <code>metrics_aggregates.csv</code></summary><div class="wide">${tableHtml(aggregates)}</div></details>
<h2>Distributions</h2>
${plots}
<h2>Failed subjects (${input.failures.length})</h2>
${failures}
<h2>Provenance</h2>
<table><tbody>${provenance}</tbody></table>
<h2>Per-subject metrics</h2>
<div class="wide">${tableHtml(metricsTableCells(input.results))}</div>
</body></html>
`;
}
