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
