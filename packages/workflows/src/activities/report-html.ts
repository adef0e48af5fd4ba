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
.meta{color:#57606a;font-size:.85rem}
</style></head>
<body>
<h1>${escapeHtml(input.title)}</h1>
<p class="meta">Generated ${escapeHtml(input.generatedAt)} by Seahorse. Metrics follow InnerEye's definitions (Dice, Hausdorff distance and mean surface distance in mm).</p>
<h2>Summary per structure</h2>
${markdownTableToHtml(input.aggregatesMarkdown)}
<h2>Distributions</h2>
${plots}
<h2>Failed subjects (${input.failures.length})</h2>
${failures}
<h2>Provenance</h2>
<table><tbody>${provenance}</tbody></table>
<h2>Per-subject metrics</h2>
${csvToHtml(input.metricsCsv)}
</body></html>
`;
}
