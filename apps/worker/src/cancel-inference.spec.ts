// Cancelling a run during a long network pass, on the real dev server with the real compute: the
// pass stops (its session host process is gone) within 10 s, finished subjects keep their results
// byte for byte, and no output file is left half-written.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readNifti } from '@seahorse/io';
import { generatePhantomCohort } from '@seahorse/phantoms';
import { createCohortActivities, RunFolder, startCohortEvaluation, type ActivityExecutionEvent } from '@seahorse/workflows';
import { demoModelDir } from './cli/demo-command.js';
import { createComputeDeps } from './compute-deps.js';
import { createSeahorseWorker } from './seahorse-worker.js';
import { isRunning, sessionHosts } from './testing/session-hosts.test-helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('cancelling a run during a long network pass', () => {
  let connection: Connection;
  let client: Client;
  let dir: string;
  let dataset: string;
  beforeAll(async () => {
    connection = await Connection.connect({ address: inject('temporalAddress') });
    client = new Client({ connection });
    dir = mkdtempSync(path.join(tmpdir(), 'seahorse-cancel-'));
    const data = path.join(dir, 'data');
    // Two small phantoms that finish quickly, then one large enough for a whole-volume pass of
    // many seconds with one thread.
    generatePhantomCohort({ outDir: data, subjects: 2, seed: 11, geometry: 'fixed' });
    const small = readFileSync(path.join(data, 'dataset.csv'), 'utf8').trim().split('\n');
    generatePhantomCohort({ outDir: data, subjects: 1, firstSubject: 3, seed: 11, geometry: 'fixed', fixedShapeXYZ: [224, 224, 224], fixedSpacingMm: 1, subsamples: 1 });
    const large = readFileSync(path.join(data, 'dataset.csv'), 'utf8').trim().split('\n').slice(1);
    dataset = path.join(data, 'dataset.csv');
    writeFileSync(dataset, `${[...small, ...large].join('\n')}\n`);
  }, 300_000);
  afterAll(async () => {
    await connection?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('stops the pass within 10 s, keeps finished subjects intact and leaves nothing half-written', async () => {
    const out = path.join(dir, 'run');
    const events: ActivityExecutionEvent[] = [];
    const deps = createComputeDeps({ threads: 1 });
    const taskQueue = `cancel-${randomUUID()}`;
    const { worker, connection: wc } = await createSeahorseWorker({
      address: inject('temporalAddress'), taskQueue, maxConcurrentActivityTaskExecutions: 4,
      activities: createCohortActivities(deps, { onEvent: (e) => events.push(e) }),
    });
    const has = (activity: string, outcome: string, id: string) => events.some((e) => e.activity === activity && e.outcome === outcome && e.subjectId === id);
    try {
      const finished = await worker.runUntil(async () => {
        const handle = await startCohortEvaluation(client, {
          runId: `cancel-${randomUUID().slice(0, 8)}`, dataset, model: demoModelDir(), out, concurrency: 1,
          inference: { tiling: 'whole', threads: 1 },
        }, { taskQueue });
        const deadline = Date.now() + 240_000;
        while (!has('inferSubject', 'started', '3') && Date.now() < deadline) await sleep(100);
        // The large subject's network pass is running: its session host is busy.
        await sleep(3000);
        const hosts = [...sessionHosts().keys()];
        expect(hosts.length, 'one session host').toBe(1);
        const before = Object.fromEntries(['1', '2'].map((id) => [id, readFileSync(new RunFolder(out).resultFile(id))]));
        const cancelledAt = Date.now();
        await handle.cancel();
        while (hosts.some(isRunning) && Date.now() - cancelledAt < 30_000) await sleep(50);
        const stoppedAfterMs = Date.now() - cancelledAt;
        console.log(`cancel: the network pass stopped ${stoppedAfterMs} ms after the cancellation request`);
        expect(hosts.some(isRunning), 'the session host still runs').toBe(false);
        expect(stoppedAfterMs).toBeLessThan(10_000);
        await expect(handle.result()).rejects.toThrow();
        expect((await handle.describe()).status.name).toBe('CANCELLED');
        return before;
      });
      expect(has('inferSubject', 'completed', '3'), 'the cancelled pass completed').toBe(false);

      const run = new RunFolder(out);
      for (const id of ['1', '2']) {
        expect(readFileSync(run.resultFile(id)), `subject ${id}'s result`).toEqual(finished[id]);
        for (const f of run.subjectFiles(id).filter((n) => n.endsWith('.nii.gz'))) readNifti(path.join(run.subjectDir(id), f));
        expect(run.subjectFiles(id).sort()).toEqual(['metrics.json', 'posterior_background.nii.gz', 'posterior_hippocampus_L.nii.gz',
          'posterior_hippocampus_R.nii.gz', 'qc.png', 'segmentation.nii.gz', 'uncertainty.nii.gz', 'viewer-data.js', 'viewer.html']);
      }
      // The cancelled subject: nothing was written, so nothing is half-written; a resume computes it.
      expect(run.subjectFiles('3')).toEqual([]);
      expect(run.readResult('3')).toBeUndefined();
      expect(existsSync(run.planFile)).toBe(true);
    } finally {
      await wc.close();
      await deps.close();
    }
    expect(sessionHosts().size).toBe(0);
  }, 400_000);
});
