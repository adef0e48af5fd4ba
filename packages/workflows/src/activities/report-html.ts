// A self-contained HTML report of a run: provenance, the model-card table, the box plots inline,
// the per-subject table and the failed subjects with their reasons. No external resources.

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A GitHub-style pipe table (as the metrics package writes it) as an HTML table. */
export function markdownTableToHtml(markdown: string): string {
  const lines = markdown.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('|'));
  const cells = (line: string) => line.replace(/^\||\|$/g, '').split('|').map((c) => escapeHtml(c.trim()));
  const [head, , ...body] = lines;
  if (!head) return '<p>(no table)</p>';
  return `<table><thead><tr>${cells(head).map((c) => `<th>${c}</th>`).join('')}</tr></thead><tbody>${
    body.map((l) => `<tr>${cells(l).map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

/**
 * The model-card table in a form that fits a page: one row per structure, one column per metric,
 * each cell `mean ± std (min–max)`. Falls back to the full table when the columns are not InnerEye's.
 */
export function compactSummaryHtml(markdown: string): string {
  const lines = markdown.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('|'));
  const cells = (line: string) => line.replace(/^\||\|$/g, '').split('|').map((c) => c.trim());
  const [head, , ...body] = lines;
  if (!head) return '<p>(no results)</p>';
  const columns = cells(head);
  const metrics = ['DiceNumeric', 'HausdorffDistance_mm', 'MeanDistance_mm'];
  const at = (m: string, stat: string) => columns.indexOf(`${m}_${stat}`);
  if (columns[0] !== 'Structure' || metrics.some((m) => at(m, 'mean') < 0)) return markdownTableToHtml(markdown);
  const labels: Record<string, string> = { DiceNumeric: 'Dice', HausdorffDistance_mm: 'Hausdorff distance (mm)', MeanDistance_mm: 'Mean surface distance (mm)' };
  const rows = body.map((line) => {
    const c = cells(line);
    const metricCells = metrics.map((m) => {
      const [mean, std, min, max] = ['mean', 'std', 'min', 'max'].map((st) => c[at(m, st)] ?? '');
      return `<td>${escapeHtml(mean ?? '')}${std ? ` ± ${escapeHtml(std)}` : ''} <span class="range">(${escapeHtml(min ?? '')}–${escapeHtml(max ?? '')})</span></td>`;
    });
    return `<tr><td>${escapeHtml(c[0] ?? '')}</td><td>${escapeHtml(c[columns.indexOf('count')] ?? '')}</td>${metricCells.join('')}</tr>`;
  });
  return `<table><thead><tr><th>Structure</th><th>n</th>${metrics.map((m) => `<th>${labels[m]}<br><span class="range">mean ± std (min–max)</span></th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** A CSV (no quoted commas, as metrics.csv is) as an HTML table. */
export function csvToHtml(csv: string): string {
  const [head, ...rows] = csv.trim().split('\n');
  if (!head) return '<p>(empty)</p>';
  const cells = (l: string) => l.split(',').map(escapeHtml);
  return `<table><thead><tr>${cells(head).map((c) => `<th>${c}</th>`).join('')}</tr></thead><tbody>${
    rows.map((r) => `<tr>${cells(r).map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

export interface ReportHtmlInput {
  title: string;
  provenance: Record<string, string>;
  aggregatesMarkdown: string;
  metricsCsv: string;
  /** SVG documents, inlined. */
  plots: { caption: string; svg: string }[];
  failures: { subjectId: string; reason: string }[];
  generatedAt: string;
}

/** The whole report as one HTML document. */
export function reportHtml(input: ReportHtmlInput): string {
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
${compactSummaryHtml(input.aggregatesMarkdown)}
<details><summary>The full table, as InnerEye's <code>metrics_aggregates.csv</code></summary><div class="wide">${markdownTableToHtml(input.aggregatesMarkdown)}</div></details>
<h2>Distributions</h2>
${plots}
<h2>Failed subjects (${input.failures.length})</h2>
${failures}
<h2>Provenance</h2>
<table><tbody>${provenance}</tbody></table>
<h2>Per-subject metrics</h2>
<div class="wide">${csvToHtml(input.metricsCsv)}</div>
</body></html>
`;
}
