import { describe, expect, it } from 'vitest';
import { compactSummaryHtml, csvToHtml, escapeHtml, markdownTableToHtml, reportHtml } from './report-html.js';

describe('report.html', () => {
  it('escapes everything that comes from data (subject ids, reasons, paths)', () => {
    expect(escapeHtml(`<script>alert("x")</script>&'`)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;');
    const html = reportHtml({
      title: 'run <1>', provenance: { dataset: '/data/<evil>.csv' }, aggregatesMarkdown: '| a | b |\n|---|---|\n| 1 | 2 |',
      metricsCsv: 'Patient,Structure\n<x>,y', plots: [], failures: [{ subjectId: '<img src=x>', reason: 'bad "file"' }], generatedAt: 'now',
    });
    expect(html).not.toContain('<img src=x>');
    expect(html).not.toContain('<evil>');
    expect(html).toContain('&lt;img src=x&gt;');
    expect(html).toContain('Failed subjects (1)');
  });

  it('turns the model-card Markdown table and metrics.csv into HTML tables', () => {
    expect(markdownTableToHtml('| Structure | count |\n|---|---|\n| hippocampus_L | 252 |')).toBe(
      '<table><thead><tr><th>Structure</th><th>count</th></tr></thead><tbody><tr><td>hippocampus_L</td><td>252</td></tr></tbody></table>');
    expect(csvToHtml('Patient,Dice\n1,0.9\n')).toBe('<table><thead><tr><th>Patient</th><th>Dice</th></tr></thead><tbody><tr><td>1</td><td>0.9</td></tr></tbody></table>');
  });

  it('inlines SVG plots without their XML declaration', () => {
    const html = reportHtml({ title: 't', provenance: {}, aggregatesMarkdown: '', metricsCsv: '', failures: [], generatedAt: 'g',
      plots: [{ caption: 'DiceNumeric', svg: '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>' }] });
    expect(html).toContain('<figure><svg xmlns="http://www.w3.org/2000/svg"></svg><figcaption>DiceNumeric</figcaption></figure>');
    expect(html).not.toContain('<?xml');
  });

  it('summarises the model-card table as mean ± std (min–max) per metric', () => {
    const md = ['| Structure | count | DiceNumeric_mean | DiceNumeric_std | DiceNumeric_min | DiceNumeric_max | HausdorffDistance_mm_mean | HausdorffDistance_mm_std | HausdorffDistance_mm_min | HausdorffDistance_mm_max | MeanDistance_mm_mean | MeanDistance_mm_std | MeanDistance_mm_min | MeanDistance_mm_max |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
      '| hippocampus_L | 252 | 0.918 | 0.022 | 0.819 | 0.953 | 2.206 | 0.812 | 1.206 | 6.964 | 0.168 | 0.054 | 0.096 | 0.399 |'].join('\n');
    const html = compactSummaryHtml(md);
    expect(html).toContain('<td>hippocampus_L</td><td>252</td><td>0.918 ± 0.022 <span class="range">(0.819–0.953)</span></td>');
    expect(html).toContain('<td>0.168 ± 0.054 <span class="range">(0.096–0.399)</span></td>');
    expect(compactSummaryHtml('| a | b |\n|---|---|\n| 1 | 2 |')).toBe(markdownTableToHtml('| a | b |\n|---|---|\n| 1 | 2 |'));
  });
});
