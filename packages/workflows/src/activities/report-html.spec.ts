import { describe, expect, it } from 'vitest';
import { csvToHtml, escapeHtml, markdownTableToHtml, reportHtml } from './report-html.js';

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
});
