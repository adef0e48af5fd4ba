import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { QC_COLOURS } from '../qc/qc-picture.js';
import { VIEWER_DATA_GLOBAL, viewerDataScript, viewerPageHtml } from './viewer-page.js';

const base = { title: 'subject <b>&', structures: ['h_L', 'h_R'], labelled: true, niivueSrc: '../../viewer/niivue.js', dataSrc: 'viewer-data.js' };

describe('viewerPageHtml', () => {
  it('escapes data, loads NiiVue and the data as classic scripts from relative paths, and names no network resource', () => {
    const page = viewerPageHtml({ ...base, reportHref: '../../report.html' });
    expect(page).toContain('<title>subject &lt;b&gt;&amp;</title>');
    expect(page).toContain('<script src="../../viewer/niivue.js"></script>');
    expect(page).toContain('<script src="viewer-data.js"></script>');
    expect(page).not.toMatch(/type="module"|https?:\/\/|fetch\(/);
    expect(page).toContain('<a href="../../report.html">back to the report</a>');
    expect(page).toContain(`background:${QC_COLOURS.prediction}`);
    expect(page).toContain(`background:${QC_COLOURS.groundTruth}`);
    expect(page).toContain('radiological convention');
    expect(page).not.toContain('no ground truth');
  });

  it('says "no ground truth" without labels and names structures predicted empty', () => {
    const page = viewerPageHtml({ ...base, labelled: false, emptyStructures: ['h_R'], convention: 'neurological' });
    expect(page).toContain('<span class="item" id="no-ground-truth">no ground truth</span>');
    expect(page).not.toContain(`background:${QC_COLOURS.groundTruth}`);
    expect(page).toContain('Empty prediction: nothing predicted for h_R.');
    expect(page).toContain('neurological convention (the patient&#39;s left on the left)');
  });

  it('a value cannot close the config script element', () => {
    const page = viewerPageHtml({ ...base, dataSrc: 'a</script><script>alert(1)</script>.js' });
    const config = page.slice(page.indexOf('id="viewer-config">'), page.indexOf('</script>', page.indexOf('id="viewer-config">')));
    expect(config).toContain('\\u003c/script>');
    expect(page).toContain('<script src="a&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;.js"></script>');
  });
});

describe('viewerDataScript', () => {
  it('is one assignment of JSON that a browser runs as a classic script', () => {
    const data = { scan: 'AAEC', prediction: 'AwQ=', groundTruth: null, focusMm: [1, -2.5, 3] as const };
    const window: Record<string, unknown> = {};
    runInNewContext(viewerDataScript(data), { window });
    expect(window[VIEWER_DATA_GLOBAL]).toEqual({ ...data, focusMm: [1, -2.5, 3] });
  });
});
