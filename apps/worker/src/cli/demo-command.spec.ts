import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { RunFolder } from '@seahorse/workflows';
import { createComputeDeps, viewerScriptFile } from '../compute-deps.js';
import { demoCommand, demoModelDir } from './demo-command.js';

it('seahorse demo: phantoms, the committed demo ensemble, a durable run, plausible Dice, and a second run that only reuses', async () => {
  expect(existsSync(path.join(demoModelDir(), 'model.json'))).toBe(true);
  const out = mkdtempSync(path.join(tmpdir(), 'seahorse-demo-'));
  try {
    const lines: string[] = [];
    const first = await demoCommand({ out, subjects: 3, seed: 7 }, () => createComputeDeps({ threads: 1 }), (l) => lines.push(l));
    const text = lines.join('\n');
    expect(first.counts).toEqual({ total: 3, done: 3, cached: 0, failed: 0 });
    expect(text).toMatch(/Web UI http:\/\/127\.0\.0\.1:\d+/);
    expect(text).toMatch(/\| *hippocampus_L *\| *3 *\|/);
    expect(text).toContain(path.join(out, 'run', 'report.html'));
    expect(existsSync(path.join(out, '.temporal', 'temporal.db'))).toBe(true);
    // The phantom Dice of the demo ensemble is plausible (the issue asks for >= 0.8).
    const csv = readFileSync(path.join(out, 'run', 'metrics.csv'), 'utf8').trim().split('\n').slice(1);
    expect(csv).toHaveLength(6);
    for (const row of csv) expect(Number(row.split(',')[2]), row).toBeGreaterThanOrEqual(0.8);
    // Every subject has its QC picture and its viewer page, NiiVue is there once for the run, and the report links the pages.
    const run = new RunFolder(path.join(out, 'run'));
    const report = readFileSync(path.join(out, 'run', 'report.html'), 'utf8');
    expect(existsSync(viewerScriptFile(path.join(out, 'run')))).toBe(true);
    for (const id of ['1', '2', '3']) {
      for (const f of ['qc.png', 'viewer.html', 'viewer-data.js']) expect(existsSync(path.join(run.subjectDir(id), f)), `${id}/${f}`).toBe(true);
      expect(report).toContain(`href="subjects/${id}/viewer.html"`);
    }

    const again = await demoCommand({ out, subjects: 3, seed: 7 }, () => createComputeDeps({ threads: 1 }), () => undefined);
    expect(again.counts).toEqual({ total: 3, done: 0, cached: 3, failed: 0 });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 600_000);
