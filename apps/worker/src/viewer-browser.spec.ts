// The report and the viewer pages in headless Chromium, opened from disk (file://) as a user
// opens them: a small real run (two demo phantoms through the committed demo ensemble, one with
// its ground truth left out) written by the real compute, then the pages loaded, their console
// watched, and the viewer's canvas read back pixel by pixel. Screenshots go to
// apps/worker/.test-results/browser/ to be looked at.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { generatePhantomCohort } from '@seahorse/phantoms';
import { RunFolder, type SubjectReportInput } from '@seahorse/workflows';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoModelDir } from './cli/demo-command.js';
import { createComputeDeps, viewerScriptFile } from './compute-deps.js';
import { chromiumMissing, collectPageErrors, decodePng, launchChromium } from './testing/headless-chromium.test-helpers.js';

const missing = chromiumMissing();
const SHOTS = path.resolve(import.meta.dirname, '..', '.test-results', 'browser');

/** Pixel classes of the viewer's canvas: drawn at all, and in the prediction's (orange) and the ground truth's (sky blue) overlay colours. */
function classify(rgba: Uint8ClampedArray): { drawn: number; prediction: number; groundTruth: number } {
  let drawn = 0, prediction = 0, groundTruth = 0;
  for (let i = 0; i < rgba.length; i += 4) {
    const [r, g, b] = [rgba[i]!, rgba[i + 1]!, rgba[i + 2]!];
    if (r + g + b > 30) drawn++;
    // Orange (255, 140, 0) over grey: red well above blue, green between. Sky blue (0, 191, 255) over grey: blue well above red.
    if (r - b > 60 && g - b > 20 && r > g) prediction++;
    if (b - r > 60 && g - r > 40) groundTruth++;
  }
  return { drawn, prediction, groundTruth };
}

async function canvasPixels(browser: Browser, page: Page, name: string) {
  const canvas = (await page.$('#gl'))!;
  const png = await canvas.screenshot({ type: 'png' });
  writeFileSync(path.join(SHOTS, name), png);
  return await decodePng(browser, png);
}

// The browser-side code is written as strings: this project's TypeScript has no DOM types.
/** Two animation frames, so the last drawing has reached the canvas. */
const nextFrames = (page: Page) => page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
/** Sets a range input from an expression of its current value `v`, as a user's drag does (an input event). */
const setRange = (page: Page, id: string, expr: string) =>
  page.evaluate(`(() => { const s = document.getElementById(${JSON.stringify(id)}); const v = Number(s.value); s.value = String(${expr}); s.dispatchEvent(new Event('input')); })()`);
const text = (page: Page, id: string) => page.evaluate(`document.getElementById(${JSON.stringify(id)}).textContent`) as Promise<string>;

async function openViewer(page: Page, file: string): Promise<string> {
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  await page.waitForFunction("document.body.dataset.state !== 'loading'", { timeout: 120_000 });
  await nextFrames(page);
  return await page.evaluate("`${document.body.dataset.state}: ${document.getElementById('status').textContent}`") as string;
}

describe.skipIf(missing !== undefined)(`the report and the viewer pages in headless Chromium${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let temp: string;
  let runDir: string;
  let browser: Browser;
  /** The labelled subject and the one without labels. */
  let ids: [string, string];

  beforeAll(async () => {
    temp = mkdtempSync(path.join(tmpdir(), 'seahorse-viewer-'));
    mkdirSync(SHOTS, { recursive: true });
    const cohort = generatePhantomCohort({ outDir: path.join(temp, 'data'), subjects: 2, seed: 7 });
    runDir = path.join(temp, 'run');
    const run = new RunFolder(runDir);
    const deps = createComputeDeps({ threads: 2 });
    try {
      const planned = await deps.loadSubjects(cohort.datasetCsv);
      // The second subject without its labels: a mixed cohort, so one page says "no ground truth".
      const subjects = planned.map((s, i) => (i === 1 ? { ...s, groundTruth: null } : s));
      ids = [subjects[0]!.id, subjects[1]!.id];
      const model = await deps.describeModel(demoModelDir(), {});
      const results: SubjectReportInput[] = [];
      for (const subject of subjects) {
        const { segmentationFile } = await deps.segmentSubject({
          subject, modelDir: demoModelDir(), outDir: run.subjectDir(subject.id), overrides: {}, device: 'cpu',
          onProgress: () => undefined, signal: new AbortController().signal,
        });
        const m = await deps.measureSubject({ subject, segmentationFile, structures: model.structures, runDir });
        results.push({ subjectId: subject.id, rows: m.rows, volumes: m.volumes, labelled: subject.groundTruth !== null, seconds: 1 });
      }
      await deps.writeReports({ outDir: runDir, results, failures: [], provenance: { runId: 'browser-test' } });
    } finally {
      await deps.close();
    }
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    if (temp) rmSync(temp, { recursive: true, force: true });
  });

  it('writes a viewer page per subject, NiiVue once per run, and links each page from the report', () => {
    const run = new RunFolder(runDir);
    const report = readFileSync(path.join(runDir, 'report.html'), 'utf8');
    expect(statSync(viewerScriptFile(runDir)).size).toBeGreaterThan(1_000_000);
    for (const id of ids) {
      expect(existsSync(path.join(run.subjectDir(id), 'viewer.html')), id).toBe(true);
      expect(existsSync(path.join(run.subjectDir(id), 'viewer-data.js')), id).toBe(true);
      expect(report).toContain(`href="subjects/${id}/viewer.html"`);
    }
    const page = readFileSync(path.join(run.subjectDir(ids[0]), 'viewer.html'), 'utf8');
    expect(page).toContain('<script src="../../viewer/niivue.js"></script>');
    expect(page).not.toMatch(/https?:\/\//);
    expect(readFileSync(path.join(run.subjectDir(ids[1]), 'viewer.html'), 'utf8')).toContain('no ground truth');
  });

  it('the report loads from file:// with no console errors', async () => {
    const page = await browser.newPage();
    const errors = collectPageErrors(page);
    await page.setViewport({ width: 1200, height: 900 });
    await page.goto(pathToFileURL(path.join(runDir, 'report.html')).href, { waitUntil: 'load' });
    await page.screenshot({ path: path.join(SHOTS, 'report.png'), fullPage: true });
    const links = await page.evaluate(`Array.from(document.querySelectorAll('a[href$="viewer.html"]'), (a) => a.href)`) as string[];
    expect(links).toHaveLength(2);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('the viewer of a labelled subject draws the scan with both overlays, and the slider and the opacity change the picture', async () => {
    const page = await browser.newPage();
    const errors = collectPageErrors(page);
    await page.setViewport({ width: 1100, height: 900 });
    const state = await openViewer(page, path.join(new RunFolder(runDir).subjectDir(ids[0]), 'viewer.html'));
    expect(state).toBe('ready: ');
    await page.screenshot({ path: path.join(SHOTS, 'viewer.png'), fullPage: true });
    const first = await canvasPixels(browser, page, 'viewer-canvas.png');
    const c = classify(first.rgba);
    console.log(`viewer canvas ${first.width}×${first.height}: ${c.drawn} drawn, ${c.prediction} prediction-coloured, ${c.groundTruth} ground-truth-coloured pixels`);
    expect(c.drawn, 'the canvas is not blank').toBeGreaterThan(first.width * first.height * 0.05);
    expect(c.prediction, 'the prediction overlay shows').toBeGreaterThan(50);
    expect(c.groundTruth, 'the ground-truth overlay shows').toBeGreaterThan(20);

    // Move the slider 8 slices down from the structures' centroid: the picture changes.
    const label = await text(page, 'slice-label');
    await setRange(page, 'slice', 'Math.max(0, v - 8)');
    await nextFrames(page);
    expect(await text(page, 'slice-label')).not.toBe(label);
    const moved = await canvasPixels(browser, page, 'viewer-canvas-moved.png');
    let differ = 0;
    for (let i = 0; i < moved.rgba.length; i += 4) if (Math.abs(moved.rgba[i]! - first.rgba[i]!) + Math.abs(moved.rgba[i + 1]! - first.rgba[i + 1]!) > 20) differ++;
    expect(differ, 'moving the slider changes the picture').toBeGreaterThan(first.width * first.height * 0.01);
    expect(classify(moved.rgba).drawn).toBeGreaterThan(0);

    // Opacity 0 on the original slice: no overlay colour is left.
    await setRange(page, 'slice', 'v + 8');
    await setRange(page, 'opacity', '0');
    await nextFrames(page);
    expect(await text(page, 'opacity-label')).toBe('overlay opacity 0%');
    const clear = classify((await canvasPixels(browser, page, 'viewer-canvas-opacity0.png')).rgba);
    expect(clear.prediction + clear.groundTruth, 'opacity 0 hides the overlays').toBeLessThan((c.prediction + c.groundTruth) / 10);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('the viewer of a subject without labels says "no ground truth" and shows only the prediction', async () => {
    const page = await browser.newPage();
    const errors = collectPageErrors(page);
    await page.setViewport({ width: 1100, height: 900 });
    const state = await openViewer(page, path.join(new RunFolder(runDir).subjectDir(ids[1]), 'viewer.html'));
    expect(state).toBe('ready: ');
    expect(await text(page, 'no-ground-truth')).toBe('no ground truth');
    const c = classify((await canvasPixels(browser, page, 'viewer-unlabelled-canvas.png')).rgba);
    expect(c.prediction).toBeGreaterThan(50);
    expect(c.groundTruth).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
