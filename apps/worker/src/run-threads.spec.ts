// A run's `inference.threads` reaches onnxruntime: through the workflow, the inference activity,
// the compute and the ensemble, to the session host's intra-op thread pools (counted in /proc).
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadModelPackage } from '@seahorse/model-package';
import { generatePhantomCohort } from '@seahorse/phantoms';
import { createCohortActivities, startCohortEvaluation } from '@seahorse/workflows';
import { demoModelDir } from './cli/demo-command.js';
import { createComputeDeps } from './compute-deps.js';
import { createSeahorseWorker } from './seahorse-worker.js';
import { sessionHosts } from './testing/session-hosts.test-helpers.js';

describe.runIf(existsSync('/proc/self/task'))("a run's threads reach onnxruntime", () => {
  let connection: Connection;
  let client: Client;
  let dir: string;
  let dataset: string;
  beforeAll(async () => {
    connection = await Connection.connect({ address: inject('temporalAddress') });
    client = new Client({ connection });
    dir = mkdtempSync(path.join(tmpdir(), 'seahorse-threads-'));
    dataset = generatePhantomCohort({ outDir: path.join(dir, 'data'), subjects: 1, seed: 3, geometry: 'fixed' }).datasetCsv;
  });
  afterAll(async () => {
    await connection?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('threads 3 gives each member session two more intra-op threads than threads 1', async () => {
    const members = (await loadModelPackage(demoModelDir())).members.length;
    // The worker's own default is 1 thread; the second run asks for 3.
    const deps = createComputeDeps({ threads: 1 });
    const taskQueue = `threads-${randomUUID()}`;
    const { worker, connection: wc } = await createSeahorseWorker({
      address: inject('temporalAddress'), taskQueue, activities: createCohortActivities(deps),
    });
    try {
      const byDefault = await worker.runUntil(async () => (await startCohortEvaluation(client, {
        runId: `threads-default-${randomUUID().slice(0, 8)}`, dataset, model: demoModelDir(), out: path.join(dir, 'default'),
      }, { taskQueue })).result());
      expect(byDefault.counts.done).toBe(1);
      const first = sessionHosts();
      expect(first.size).toBe(1);
      const [onePid, oneThreads] = [...first][0]!;
      // runUntil shut the worker down: a new one for the second run, with the same compute.
      const again = await createSeahorseWorker({ address: inject('temporalAddress'), taskQueue, activities: createCohortActivities(deps) });
      try {
        const result = await again.worker.runUntil(async () => (await startCohortEvaluation(client, {
          runId: `threads-three-${randomUUID().slice(0, 8)}`, dataset, model: demoModelDir(), out: path.join(dir, 'three'),
          inference: { threads: 3 },
        }, { taskQueue })).result());
        expect(result.counts.done).toBe(1);
      } finally {
        await again.connection.close();
      }
      const second = sessionHosts();
      expect(second.size, 'a second ensemble, opened with the run\'s threads').toBe(2);
      expect(second.get(onePid)).toBe(oneThreads);
      const threePid = [...second.keys()].find((p) => p !== onePid)!;
      expect(second.get(threePid)! - oneThreads).toBe(members * 2);
    } finally {
      await wc.close();
      await deps.close();
    }
    expect(sessionHosts().size).toBe(0);
  }, 300_000);
});
