// A self-contained HTML report of a run: summary, the model-card table, box plots inline, a QC
// gallery worst first (the pictures inlined), the volumes table, input problems, failures,
// provenance and the per-subject table. No external resources: it opens offline. Rendered from
// the results themselves (the same cells the CSV files are written from), never by parsing files
// back; every value from data is escaped by the `html` tagged template.
import { galleryOrder } from './gallery.js';
import { escapeHtml, html, trustedHtml, type SafeHtml } from './html.js';
import { aggregateTableCells, METRIC_COLUMNS, metricsTableCells, type MetricColumn, type SubjectStructureMetrics } from './metrics-tables.js';
import { volumeAggregates, volumesTableCells, type SubjectStructureVolume } from './volumes-table.js';

export { escapeHtml };

function table(cells: readonly (readonly string[])[]): SafeHtml {
  const [head, ...body] = cells;
  if (!head) return html`<p>(no table)</p>`;
  return html`<table><thead><tr>${head.map((c) => html`<th>${c}</th>`)}</tr></thead><tbody>${
    body.map((row) => html`<tr>${row.map((c) => html`<td>${c}</td>`)}</tr>`)}</tbody></table>`;
}

/** An HTML table of cells, header row first; every cell escaped. */
export function tableHtml(cells: readonly (readonly string[])[]): string {
  return table(cells).value;
}

function compactSummary(aggregateCells: readonly (readonly string[])[]): SafeHtml {
  const [head, ...body] = aggregateCells;
  if (!head) return html`<p>(no results)</p>`;
  const at = (m: string, stat: string) => head.indexOf(`${m}_${stat}`);
  const labels: Record<MetricColumn, string> = { DiceNumeric: 'Dice', HausdorffDistance_mm: 'Hausdorff distance (mm)', MeanDistance_mm: 'Mean surface distance (mm)' };
  const rows = body.map((c) => {
    const metricCells = METRIC_COLUMNS.map((m) => {
      const [mean, std, min, max] = ['mean', 'std', 'min', 'max'].map((st) => c[at(m, st)] ?? '');
      return html`<td>${mean}${std ? html` ± ${std}` : ''} <span class="range">(${min}–${max})</span></td>`;
    });
    return html`<tr><td>${c[0] ?? ''}</td><td>${c[head.indexOf('count')] ?? ''}</td>${metricCells}</tr>`;
  });
  return html`<table><thead><tr><th>Structure</th><th>n</th>${METRIC_COLUMNS.map((m) => html`<th>${labels[m]}<br><span class="range">mean ± std (min–max)</span></th>`)}</tr></thead><tbody>${rows}</tbody></table>`;
}

/**
 * The model-card table in a form that fits a page: one row per structure, one column per metric,
 * each cell `mean ± std (min–max)`, from the aggregate table's cells ({@link aggregateTableCells}).
 */
export function compactSummaryHtml(aggregateCells: readonly (readonly string[])[]): string {
  return compactSummary(aggregateCells).value;
}

/** A subject of the run as the report shows it. */
export interface ReportSubject {
  readonly subject: string;
  /** Whether the subject has ground truth. */
  readonly labelled: boolean;
  /** Its `qc.png`, inlined in the gallery. */
  readonly qcPng?: Uint8Array;
  /** A relative link to its viewer page. */
  readonly viewerHref?: string;
  /** Seconds its inference and measurement took. */
  readonly seconds?: number;
}

export interface ReportHtmlInput {
  title: string;
  provenance: Readonly<Record<string, string>>;
  /** Per-subject, per-structure results (the rows of `metrics.csv` before rounding). */
  results: readonly SubjectStructureMetrics[];
  /** SVG documents (made by Seahorse), inlined. */
  plots: readonly { caption: string; svg: string }[];
  failures: readonly { subjectId: string; reason: string }[];
  generatedAt: string;
  /** Predicted volumes of every subject with a result (labelled or not). */
  volumes?: readonly SubjectStructureVolume[];
  /** The subjects with a result, for the gallery, the input problems and the time per subject. */
  subjects?: readonly ReportSubject[];
}

/**
 * Problems in the input that did not stop the run, one clear line each: a structure predicted
 * empty, and a subject without ground truth in a cohort where others have it.
 */
export function inputProblems(input: Pick<ReportHtmlInput, 'results' | 'volumes' | 'subjects'>): string[] {
  const lines: string[] = [];
  const subjects = input.subjects ?? [];
  const anyLabelled = subjects.some((s) => s.labelled);
  for (const s of subjects) {
    if (anyLabelled && !s.labelled) lines.push(`subject ${s.subject}: no ground truth in a labelled cohort; measured for volume only (no Dice or distances)`);
  }
  for (const v of input.volumes ?? []) {
    if (v.voxels === 0) {
      const r = input.results.find((x) => x.subject === v.subject && x.structure === v.structure);
      const metrics = r ? ` (Dice ${r.DiceNumeric}, Hausdorff ${r.HausdorffDistance_mm} mm)` : '';
      lines.push(`subject ${v.subject}, structure ${v.structure}: empty prediction, no voxel predicted${metrics}`);
    }
  }
  return lines;
}

function seconds(subjects: readonly ReportSubject[]): string | undefined {
  const t = subjects.map((s) => s.seconds).filter((x): x is number => typeof x === 'number').sort((a, b) => a - b);
  if (t.length === 0) return undefined;
  const median = t.length % 2 ? t[(t.length - 1) / 2]! : (t[t.length / 2 - 1]! + t[t.length / 2]!) / 2;
  return `median ${median.toFixed(1)} s (min ${t[0]!.toFixed(1)} s, max ${t[t.length - 1]!.toFixed(1)} s) over ${t.length} subject(s) computed in this run`;
}

function gallery(input: ReportHtmlInput): SafeHtml {
  const subjects = input.subjects ?? [];
  if (subjects.length === 0) return html`<p>No QC pictures.</p>`;
  const bySubject = new Map(subjects.map((s) => [s.subject, s]));
  const order = galleryOrder(subjects, input.results, input.volumes ?? []);
  const flagged = order.filter((e) => e.outlierReasons.length > 0).length;
  return html`<p class="meta">Worst first: by the lowest Dice where a subject has ground truth, then by how far a volume lies from the cohort's median where it has not. ${flagged} outlier(s) flagged (Tukey's fences per structure).</p>
<div class="gallery">${order.map((e) => {
    const s = bySubject.get(e.subject)!;
    const img = s.qcPng ? html`<img alt="QC picture of subject ${e.subject}" src="data:image/png;base64,${Buffer.from(s.qcPng).toString('base64')}">` : html`<p class="meta">(no qc.png)</p>`;
    return html`<figure class="${e.outlierReasons.length ? 'qc outlier' : 'qc'}" id="qc-${e.subject}">${img}<figcaption><b>${e.subject}</b> · ${e.caption}${
      e.outlierReasons.length ? html` · <span class="flag">outlier</span><br>${e.outlierReasons.join('; ')}` : ''}${
      s.viewerHref ? html` · <a href="${s.viewerHref}">open in the viewer</a>` : ''}</figcaption></figure>`;
  })}</div>`;
}

/**
 * The whole report as one HTML document.
 * @throws MetricsError `BAD_RESULTS` for invalid results.
 */
export function reportHtml(input: ReportHtmlInput): string {
  const aggregates = aggregateTableCells(input.results);
  const subjects = input.subjects ?? [];
  const volumes = input.volumes ?? [];
  const time = seconds(subjects);
  const provenance = Object.entries({ ...input.provenance, ...(time ? { 'time per subject': time } : {}) });
  const plots = input.plots.length === 0
    ? html`<p>No box plots: no structure has more than one value.</p>`
    : input.plots.map((p) => html`<figure>${trustedHtml(p.svg.replace(/^<\?xml[^>]*>\s*/, ''))}<figcaption>${p.caption}</figcaption></figure>`);
  const failures = input.failures.length === 0
    ? html`<p>None: every subject has a result.</p>`
    : html`<table><thead><tr><th>Subject</th><th>Reason</th></tr></thead><tbody>${
      input.failures.map((f) => html`<tr><td>${f.subjectId}</td><td>${f.reason}</td></tr>`)}</tbody></table>`;
  const problems = inputProblems(input);
  const labelled = subjects.filter((s) => s.labelled).length;
  const volumeSummary = volumeAggregates(volumes).map((a) => [a.structure, String(a.count),
    `${a.Volume_mm3.mean.toFixed(1)} ± ${Number.isNaN(a.Volume_mm3.std) ? '—' : a.Volume_mm3.std.toFixed(1)}`,
    Number.isNaN(a.AsymmetryIndex.mean) ? '' : `${a.AsymmetryIndex.mean.toFixed(3)} ± ${Number.isNaN(a.AsymmetryIndex.std) ? '—' : a.AsymmetryIndex.std.toFixed(3)}`]);
  const doc = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${input.title}</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:2rem auto;max-width:1100px;color:#1b1f24;padding:0 1rem}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:right}
th{background:#f6f8fa}td:first-child,th:first-child{text-align:left}
figure{display:inline-block;margin:.5rem 1rem .5rem 0;vertical-align:top}figcaption{font-size:.8rem;color:#57606a;text-align:center}
.meta{color:#57606a;font-size:.85rem}.range{color:#57606a;font-size:.75rem;font-weight:normal}
.wide{overflow-x:auto}details{margin:.5rem 0}summary{cursor:pointer;color:#0969da;font-size:.85rem}
figure svg{max-width:520px;height:auto}
.gallery figure.qc{width:520px;border:1px solid #d0d7de;padding:4px}.gallery img{width:100%}
.gallery figure.outlier{border:2px solid #cf222e}.flag{color:#cf222e;font-weight:bold}
ul.problems li{color:#9a6700}
</style></head>
<body>
<h1>${input.title}</h1>
<p class="meta">Generated ${input.generatedAt} by Seahorse. Metrics follow InnerEye's definitions (Dice, Hausdorff distance and mean surface distance in mm).</p>
<h2>Summary</h2>
<p>${subjects.length + input.failures.length} subject(s): ${subjects.length} with a result (${labelled} with ground truth, ${subjects.length - labelled} measured for volume only), ${input.failures.length} failed. ${problems.length} input problem(s).</p>
${input.results.length > 0 ? compactSummary(aggregates) : html`<p>No subject has ground truth: no Dice or distances.</p>`}
${input.results.length > 0 ? html`<details><summary>The full table, as InnerEye's <code>metrics_aggregates.csv</code></summary><div class="wide">${table(aggregates)}</div></details>` : ''}
${volumeSummary.length > 0 ? html`<h3>Volumes (mm³) and asymmetry index (L−R)/((L+R)/2)</h3>${table([['Structure', 'n', 'Volume mean ± std', 'Asymmetry mean ± std'], ...volumeSummary])}` : ''}
<h2>Distributions</h2>
${plots}
<h2>QC gallery</h2>
${gallery(input)}
<h2>Input problems (${problems.length})</h2>
${problems.length === 0 ? html`<p>None.</p>` : html`<ul class="problems">${problems.map((l) => html`<li>${l}</li>`)}</ul>`}
<h2>Failed subjects (${input.failures.length})</h2>
${failures}
<h2>Volumes per subject</h2>
${volumes.length > 0 ? html`<div class="wide">${table(volumesTableCells(volumes))}</div>` : html`<p>No volumes.</p>`}
<h2>Provenance</h2>
<table><tbody>${provenance.map(([k, v]) => html`<tr><th>${k}</th><td>${v}</td></tr>`)}</tbody></table>
<h2>Per-subject metrics</h2>
<div class="wide">${table(metricsTableCells(input.results))}</div>
</body></html>
`;
  return doc.value;
}
