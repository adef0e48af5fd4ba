import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import {
  createCohortActivities, DevServer, progressQuery, startCohortEvaluation, type ActivityExecutionEvent, type RunSpecInput,
} from '@seahorse/workflows';
import { createSeahorseWorker } from './seahorse-worker.js';
import { syntheticDeps, writeSyntheticCohort } from './testing/synthetic-deps.test-helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const workerScript = path.join(here, 'testing', 'synthetic-worker.test-helpers.ts');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A deterministic pseudo-random sequence (mulberry32), so failures can be replayed. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function spawnWorker(address: string, taskQueue: string, eventsLog: string, inferMs: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--conditions=@seahorse/source', '--import', 'tsx', workerScript, address, taskQueue, eventsLog, String(inferMs)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      output += d.toString();
      if (output.includes('worker ready')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => reject(new Error(`worker exited early (${code}): ${output}`)));
  });
  return child;
}

function readEvents(file: string): ActivityExecutionEvent[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as ActivityExecutionEvent);
}

describe('fault injection against the real Temporal dev server', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  function workspace() {
    const dir = mkdtempSync(path.join(tmpdir(), 'seahorse-faults-'));
    dirs.push(dir);
    return dir;
  }

  it.each([
    ['a labelled cohort', false],
    ['an unlabelled cohort (volumes only)', true],
  ])('SIGKILLing the worker at random points, three times, loses nothing and redoes at most the in-flight subjects: %s', async (_label, unlabelled) => {
    const address = inject('temporalAddress');
    const dir = workspace();
    const subjects = Array.from({ length: 10 }, (_, i) => ({ id: `k${i}`, value: 60 + 3 * i, unlabelled }));
    const dataset = writeSyntheticCohort(path.join(dir, 'data'), subjects);
    const concurrency = 2;
    const base = { dataset, model: dir, concurrency, timeouts: { orchestration: 5, heartbeat: 2, inference: 120 } } satisfies Partial<RunSpecInput>;

    // The uninterrupted reference run, with an in-process worker.
    const connection = await Connection.connect({ address });
    const client = new Client({ connection });
    try {
      const refQueue = `ref-${randomUUID()}`;
      const ref = await createSeahorseWorker({ address, taskQueue: refQueue, activities: createCohortActivities(syntheticDeps({ inferMs: 0 })) });
      await ref.worker.runUntil(async () =>
        (await startCohortEvaluation(client, { ...base, runId: `ref-${randomUUID().slice(0, 8)}`, out: path.join(dir, 'ref') }, { taskQueue: refQueue })).result());
      await ref.connection.close();

      // The crash run: a worker process killed with SIGKILL three times.
      const taskQueue = `crash-${randomUUID()}`;
      const eventsLog = path.join(dir, 'events.jsonl');
      const random = prng(20261126);
      let worker = await spawnWorker(address, taskQueue, eventsLog, 1200);
      const handle = await startCohortEvaluation(client, { ...base, runId: `crash-${randomUUID().slice(0, 8)}`, out: path.join(dir, 'crash') }, { taskQueue });
      const kills = 3;
      for (let k = 0; k < kills; k++) {
        await sleep(1500 + random() * 2500);
        worker.kill('SIGKILL');
        await new Promise((r) => worker.once('exit', r));
        worker = await spawnWorker(address, taskQueue, eventsLog, 1200);
      }
      const result = await handle.result();
      const progress = await handle.query(progressQuery);
      worker.kill('SIGTERM');
      await new Promise((r) => worker.once('exit', r));

      expect(result.counts).toEqual({ total: 10, done: 10, cached: 0, failed: 0 });
      expect(progress).toMatchObject({ done: 10, failed: 0, remaining: 0, phase: 'finished' });
      // Final reports are byte-identical to the uninterrupted run's.
      expect(readFileSync(path.join(dir, 'crash', 'metrics.csv'))).toEqual(readFileSync(path.join(dir, 'ref', 'metrics.csv')));
      expect(readFileSync(path.join(dir, 'crash', 'volumes.csv'))).toEqual(readFileSync(path.join(dir, 'ref', 'volumes.csv')));
      // Every subject has its volume; only a labelled cohort has metrics rows.
      expect(readFileSync(path.join(dir, 'crash', 'volumes.csv'), 'utf8').trim().split('\n')).toHaveLength(11);
      expect(readFileSync(path.join(dir, 'crash', 'metrics.csv'), 'utf8').trim().split('\n')).toHaveLength(unlabelled ? 1 : 11);

      const events = readEvents(eventsLog);
      const pids = new Set(events.map((e) => e.pid));
      expect(pids.size).toBeGreaterThanOrEqual(2); // the work really was spread over killed and restarted workers
      for (const s of subjects) {
        // Each subject's result was committed exactly once.
        const commits = events.filter((e) => e.subjectId === s.id && e.activity === 'measureSubject' && e.outcome === 'completed');
        expect(commits, `commits of ${s.id}`).toHaveLength(1);
      }
      // Only subjects in flight when a worker died were inferred more than once.
      const starts = new Map<string, number>();
      for (const e of events) if (e.activity === 'inferSubject' && e.outcome === 'started') starts.set(e.subjectId!, (starts.get(e.subjectId!) ?? 0) + 1);
      const recomputed = [...starts.values()].filter((n) => n > 1).length;
      expect(recomputed).toBeLessThanOrEqual(kills * concurrency);
    } finally {
      await connection.close();
    }
  }, 240_000);

  it('stopping the dev server mid-run and restarting it on the same database lets the run complete', async () => {
    const dir = workspace();
    const dbFilename = path.join(dir, 'temporal.db');
    const subjects = Array.from({ length: 8 }, (_, i) => ({ id: `r${i}`, value: 50 + i }));
    const dataset = writeSyntheticCohort(path.join(dir, 'data'), subjects);
    let server = await DevServer.start({ dbFilename });
    const { port } = server;
    const taskQueue = `restart-${randomUUID()}`;
    const events: ActivityExecutionEvent[] = [];
    const w = await createSeahorseWorker({
      address: server.address, taskQueue,
      activities: createCohortActivities(syntheticDeps({ inferMs: 600 }), { onEvent: (e) => events.push(e) }),
    });
    const running = w.worker.run();
    try {
      let connection = await Connection.connect({ address: server.address });
      let client = new Client({ connection });
      const runId = `restart-${randomUUID().slice(0, 8)}`;
      const handle = await startCohortEvaluation(client, { runId, dataset, model: dir, out: path.join(dir, 'out'), concurrency: 2, timeouts: { orchestration: 5, heartbeat: 2, inference: 120 } }, { taskQueue });
      while (events.filter((e) => e.activity === 'measureSubject' && e.outcome === 'completed').length < 2) await sleep(100);
      await connection.close();
      await server.stop();
      await sleep(1000);
      server = await DevServer.start({ dbFilename, port });
      connection = await Connection.connect({ address: server.address });
      client = new Client({ connection });
      const result = await client.workflow.getHandle(handle.workflowId).result();
      expect(result.counts).toEqual({ total: 8, done: 8, cached: 0, failed: 0 });
      expect(readFileSync(path.join(dir, 'out', 'metrics.csv'), 'utf8').trim().split('\n')).toHaveLength(9);
      await connection.close();
    } finally {
      w.worker.shutdown();
      await running.catch(() => undefined);
      await w.connection.close();
      await server.stop();
    }
  }, 240_000);
});
