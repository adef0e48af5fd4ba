// No head-of-line blocking: one subject 20× slower than the rest holds one slot of the window,
// never the others. Asserted from the workflow's own progress (its `running` and `dispatched`
// counts), not from timing.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createCohortActivities, progressQuery, startCohortEvaluation, type ActivityExecutionEvent, type CohortProgress } from '@seahorse/workflows';
import { createSeahorseWorker } from './seahorse-worker.js';
import { syntheticDeps, writeSyntheticCohort } from './testing/synthetic-deps.test-helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('sliding window of subjects on the real Temporal dev server', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('a subject 20× slower than the rest holds one slot: the others keep `concurrency` subjects in flight past the page it is in', async () => {
    const address = inject('temporalAddress');
    const dir = mkdtempSync(path.join(tmpdir(), 'seahorse-window-'));
    dirs.push(dir);
    const subjects = Array.from({ length: 16 }, (_, i) => ({ id: `w${String(i).padStart(2, '0')}`, value: 50 + i }));
    const slow = 'w01';
    const fastMs = 400;
    const dataset = writeSyntheticCohort(path.join(dir, 'data'), subjects);
    const concurrency = 3;
    const pageSize = 4;
    const events: ActivityExecutionEvent[] = [];
    const taskQueue = `window-${randomUUID()}`;
    const { worker, connection: wc } = await createSeahorseWorker({
      address, taskQueue, maxConcurrentActivityTaskExecutions: 8,
      activities: createCohortActivities(syntheticDeps({ inferMsOf: (id) => (id === slow ? 20 * fastMs : fastMs) }), { onEvent: (e) => events.push(e) }),
    });
    const connection = await Connection.connect({ address });
    const client = new Client({ connection });
    const slowCommitted = () => events.some((e) => e.subjectId === slow && e.activity === 'measureSubject' && e.outcome === 'completed');
    const slowStarted = () => events.some((e) => e.subjectId === slow && e.activity === 'inferSubject' && e.outcome === 'started');
    try {
      const { samples, result } = await worker.runUntil(async () => {
        const handle = await startCohortEvaluation(client, {
          runId: `window-${randomUUID().slice(0, 8)}`, dataset, model: dir, out: path.join(dir, 'out'), concurrency, pageSize,
        }, { taskQueue });
        // Progress while the slow subject is in flight (bounded: 600 samples).
        const samples: CohortProgress[] = [];
        for (let i = 0; i < 600 && !slowCommitted(); i++) {
          await sleep(100);
          if (!slowStarted()) continue;
          const p = await handle.query(progressQuery);
          if (!slowCommitted()) samples.push(p);
        }
        return { samples, result: await handle.result() };
      });
      expect(result.counts).toEqual({ total: 16, done: 16, cached: 0, failed: 0 });
      expect(samples.length, 'progress samples while the slow subject ran').toBeGreaterThan(3);
      // While subjects remain to dispatch, every slot is busy: the slow one plus `concurrency - 1` others.
      const withBacklog = samples.filter((p) => p.dispatched < p.total);
      expect(withBacklog.length).toBeGreaterThan(0);
      for (const p of withBacklog) expect(p.running, `progress ${JSON.stringify(p)}`).toBe(concurrency);
      // Subjects after the slow one's page finished while it still ran: no page barrier.
      const doneWhileSlow = Math.max(...samples.map((p) => p.done));
      expect(doneWhileSlow).toBeGreaterThan(pageSize);
    } finally {
      await connection.close();
      await wc.close();
    }
  }, 300_000);
});
