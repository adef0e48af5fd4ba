import { describe, expect, it } from 'vitest';
import { aggregateTableCells, metricsTableCells, type SubjectStructureMetrics } from './metrics-tables.js';
import { compactSummaryHtml, escapeHtml, reportHtml, tableHtml } from './report-html.js';

const row = (subject: string, structure: string, dice: number, hd = 2, md = 0.1): SubjectStructureMetrics =>
  ({ subject, structure, DiceNumeric: dice, HausdorffDistance_mm: hd, MeanDistance_mm: md });

describe('report.html', () => {
  it('escapes everything that comes from data (subject ids, reasons, paths)', () => {
    expect(escapeHtml(`<script>alert("x")</script>&'`)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;');
    const html = reportHtml({
      title: 'run <1>', provenance: { dataset: '/data/<evil>.csv' }, results: [row('<x>', 'y', 0.9)],
      plots: [], failures: [{ subjectId: '<img src=x>', reason: 'bad "file"' }], generatedAt: 'now',
    });
    expect(html).not.toContain('<img src=x>');
    expect(html).not.toContain('<evil>');
    expect(html).not.toContain('<x>');
    expect(html).toContain('&lt;img src=x&gt;');
    expect(html).toContain('Failed subjects (1)');
  });

  it('turns the aggregate table and the per-subject rows into HTML tables, cell for cell as the CSV and Markdown have them', () => {
    expect(tableHtml([['Structure', 'count'], ['hippocampus_L', '252']])).toBe(
      '<table><thead><tr><th>Structure</th><th>count</th></tr></thead><tbody><tr><td>hippocampus_L</td><td>252</td></tr></tbody></table>');
    expect(tableHtml(metricsTableCells([row('1', 'L', 0.9)]))).toBe(
      '<table><thead><tr><th>Patient</th><th>Structure</th><th>Dice</th><th>HausdorffDistance_mm</th><th>MeanDistance_mm</th></tr></thead>'
      + '<tbody><tr><td>1</td><td>L</td><td>0.900</td><td>2.000</td><td>0.100</td></tr></tbody></table>');
    // From data, a subject id with a comma stays one cell (a CSV split would have cut it in two).
    expect(tableHtml(metricsTableCells([row('a,b', 'L', 0.9)]))).toContain('<td>a,b</td><td>L</td>');
  });

  it('inlines SVG plots without their XML declaration', () => {
    const html = reportHtml({ title: 't', provenance: {}, results: [], failures: [], generatedAt: 'g',
      plots: [{ caption: 'DiceNumeric', svg: '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>' }] });
    expect(html).toContain('<figure><svg xmlns="http://www.w3.org/2000/svg"></svg><figcaption>DiceNumeric</figcaption></figure>');
    expect(html).not.toContain('<?xml');
  });

  it('summarises the model-card table as mean ± std (min–max) per metric', () => {
    const results = [row('1', 'hippocampus_L', 0.918, 1.206, 0.096), row('2', 'hippocampus_L', 0.953, 6.964, 0.399)];
    const cells = aggregateTableCells(results);
    const html = compactSummaryHtml(cells);
    const [, l] = cells;
    expect(l!.slice(0, 6)).toEqual(['hippocampus_L', '2', '0.935', '0.025', '0.918', '0.953']);
    expect(html).toContain('<td>hippocampus_L</td><td>2</td><td>0.935 ± 0.025 <span class="range">(0.918–0.953)</span></td>');
    expect(html).toContain('<td>0.247 ± 0.214 <span class="range">(0.096–0.399)</span></td>');
    // One subject: the std is NaN (an empty cell), so no "±".
    expect(compactSummaryHtml(aggregateTableCells([row('1', 'R', 0.5)]))).toContain('<td>0.500 <span class="range">(0.500–0.500)</span></td>');
  });
});

describe('report.html: gallery, volumes, input problems, provenance', () => {
  const vol = (subject: string, structure: string, v: number) => ({ subject, structure, voxels: v, volume_mm3: v * 1.5 });
  const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47]);
  const results = ['1', '2', '3', '4', '5'].flatMap((s, i) => [row(s, 'h_L', [0.9, 0.91, 0.3, 0.92, 0.89][i]!), row(s, 'h_R', 0.9)]);
  const volumes = [...['1', '2', '3', '4', '5', 'u1', 'u2'].flatMap((s) => [vol(s, 'h_L', s === 'u2' ? 0 : 100), vol(s, 'h_R', s === 'u1' ? 180 : 100)])];
  const subjects = [...['1', '2', '3', '4', '5'].map((s) => ({ subject: s, labelled: true, qcPng: png, seconds: Number(s) })),
    { subject: 'u1', labelled: false, qcPng: png }, { subject: 'u2', labelled: false }];
  const doc = reportHtml({ title: 't', provenance: { seahorse: '0.1.0' }, results, plots: [], failures: [{ subjectId: 'old', reason: 'a result of format 1, written by an older Seahorse' }], generatedAt: 'g', volumes, subjects });

  it('orders the gallery worst first: lowest Dice first, then unlabelled subjects by distance from the median volume, and flags outliers', () => {
    const order = [...doc.matchAll(/id="qc-([^"]+)"/g)].map((m) => m[1]);
    expect(order).toEqual(['3', '5', '1', '2', '4', 'u2', 'u1']);
    expect(doc).toMatch(/<figure class="qc outlier" id="qc-3">/);
    expect(doc).toContain('h_L: Dice 0.300 below the cohort&#39;s lower fence');
    expect(doc).toMatch(/<figure class="qc outlier" id="qc-u1">/);
    expect(doc).toMatch(/<figure class="qc" id="qc-1">/);
    expect(doc).toContain('src="data:image/png;base64,iVBORw=="');
  });

  it('gives each input problem one clear line: an empty prediction, a subject without ground truth in a labelled cohort; and the failure of an older result', () => {
    expect(doc).toContain('<li>subject u2, structure h_L: empty prediction, no voxel predicted</li>');
    expect(doc).toContain('<li>subject u1: no ground truth in a labelled cohort; measured for volume only (no Dice or distances)</li>');
    expect(doc).toContain('<td>old</td><td>a result of format 1, written by an older Seahorse</td>');
    expect(doc).toContain('Input problems (3)');
  });

  it('shows the volumes table, time per subject in provenance, and loads nothing from outside', () => {
    expect(doc).toContain('<td>u1</td><td>h_R</td><td>180</td><td>270.000</td>');
    expect(doc).toContain('<th>time per subject</th><td>median 3.0 s (min 1.0 s, max 5.0 s) over 5 subject(s)');
    expect(doc).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(doc).toContain('8 subject(s): 7 with a result (5 with ground truth, 2 measured for volume only), 1 failed. 3 input problem(s).');
  });

  it('an unlabelled cohort: no metrics tables, the volumes and the gallery only', () => {
    const d = reportHtml({ title: 't', provenance: {}, results: [], plots: [], failures: [], generatedAt: 'g', volumes: [vol('u1', 'h_L', 5)], subjects: [{ subject: 'u1', labelled: false }] });
    expect(d).toContain('No subject has ground truth: no Dice or distances.');
    expect(d).not.toContain('no ground truth in a labelled cohort');
    expect(d).toContain('id="qc-u1"');
  });
});
