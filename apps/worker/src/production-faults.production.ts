// Faults mid-run on the production kind of deployment: a Temporal server v1.29.1 on PostgreSQL
// (scripts/temporal-cluster.sh), one orchestration worker process and two inference worker
// processes on the run's inference task queue. After each fault the run completes, its reports
// are byte-identical to an uninterrupted run's, and each subject is committed exactly once.
// Opt-in: `npm run test:production` (see the README). Every loop is bounded in count and time.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createCohortActivities, inferenceTaskQueueOf, RUN_FOLDER_NOT_VISIBLE, startCohortEvaluation, subjectWorkflowId,
  TemporalCluster, type ActivityExecutionEvent, type cohortEvaluation, type RunSpecInput,
} from '@seahorse/workflows';
import { createSeahorseWorker } from './seahorse-worker.js';
import { writeSyntheticCohort } from './testing/synthetic-deps.test-helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const workerScript = path.join(here, 'testing', 'synthetic-worker.test-helpers.ts');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SUBJECTS = 12;
const INFER_MS = 800;
const REPORTS = ['metrics.csv', 'failures.csv'];

/** A deterministic pseudo-random sequence (mulberry32), so a failing run can be replayed from its seed. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Waits for `ready()` at most `ms`, polling every 100 ms. */
async function until(what: string, ready: () => boolean | Promise<boolean>, ms = 300_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(100);
  }
}

/** A worker process; with `hide`, it runs in its own mount namespace where that folder is an empty tmpfs. */
async function spawnWorker(address: string, taskQueue: string, eventsLog: string, hide?: string): Promise<ChildProcess> {
  const node = [process.execPath, '--conditions=@seahorse/source', '--import', 'tsx', workerScript, address, taskQueue, eventsLog, String(INFER_MS), '2'];
  const [cmd, ...args] = hide
    ? ['unshare', '-m', '--propagation', 'private', '--', 'sh', '-c', 'mount -t tmpfs tmpfs "$0" && exec "$@"', hide, ...node]
    : node;
  const child = spawn(cmd!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker not ready after 180 s: ${output}`)), 180_000);
    child.stdout!.on('data', (d: Buffer) => {
      output += d.toString();
      if (output.includes('worker ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited early (${code}): ${output}`));
    });
  });
  return child;
}

async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

function readEvents(file: string): ActivityExecutionEvent[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as ActivityExecutionEvent);
}

/** The run's result; the long poll is retried while the server or its database restarts (bounded). */
async function resultOf(client: Client, workflowId: string) {
  const deadline = Date.now() + 600_000;
  for (;;) {
    try {
      return await client.workflow.getHandle<typeof cohortEvaluation>(workflowId).result();
    } catch (err) {
      if (Date.now() > deadline || /CANCELLED|TERMINATED|FAILED|invalid run/.test((err as Error).message)) throw err;
      await sleep(1000);
    }
  }
}

describe('faults mid-run on a Temporal server on PostgreSQL', () => {
  let cluster: TemporalCluster;
  let connection: Connection;
  let client: Client;
  let dir: string;
  let dataset: string;
  let reference: Record<string, Buffer>;
  const base = () => ({
    dataset, model: dir, concurrency: 3, pageSize: 4, maxAttempts: 10,
    timeouts: { orchestration: 10, heartbeat: 3, inference: 120 },
  }) satisfies Partial<RunSpecInput>;

  beforeAll(async () => {
    cluster = await TemporalCluster.start({ dir: inject('clusterDir') });
    connection = await Connection.connect({ address: cluster.address });
    client = new Client({ connection });
    dir = mkdtempSync(path.join(tmpdir(), 'seahorse-prod-faults-'));
    dataset = writeSyntheticCohort(path.join(dir, 'data'), Array.from({ length: SUBJECTS }, (_, i) => ({ id: `f${String(i).padStart(2, '0')}`, value: 40 + 5 * i, corrupt: i === 7 })));
    // The uninterrupted reference run, with an in-process worker serving both queues' activities.
    const taskQueue = `ref-${randomUUID()}`;
    const { syntheticDeps } = await import('./testing/synthetic-deps.test-helpers.js');
    const activities = createCohortActivities(syntheticDeps({ inferMs: 0 }));
    const orchestration = await createSeahorseWorker({ address: cluster.address, taskQueue, activities, maxConcurrentActivityTaskExecutions: 4 });
    const inference = await createSeahorseWorker({ address: cluster.address, taskQueue: inferenceTaskQueueOf(taskQueue), activities, maxConcurrentActivityTaskExecutions: 4 });
    const out = path.join(dir, 'reference');
    await orchestration.worker.runUntil(inference.worker.runUntil(async () => {
      const handle = await startCohortEvaluation(client, { ...base(), runId: `ref-${randomUUID().slice(0, 8)}`, out, inferenceTaskQueue: inferenceTaskQueueOf(taskQueue) }, { taskQueue });
      return await handle.result();
    }));
    await orchestration.connection.close();
    await inference.connection.close();
    reference = Object.fromEntries(REPORTS.map((f) => [f, readFileSync(path.join(out, f))]));
    expect(reference['metrics.csv']!.toString().trim().split('\n')).toHaveLength(SUBJECTS); // header + 11 results; f07 is bad input
  }, 900_000);

  afterAll(async () => {
    await connection?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /**
   * One run with an orchestration worker and two inference workers (separate processes), and
   * `fault` injected once, at a seeded random number of committed subjects; then the checks.
   */
  async function runWithFault(name: string, seed: number, fault: (ctx: {
    workers: { orchestration: ChildProcess; inference: ChildProcess[] }; respawn: (kind: 'orchestration' | 'inference', i?: number) => Promise<void>;
    handle: WorkflowHandle<typeof cohortEvaluation>; eventsLog: string; out: string;
  }) => Promise<void>, options: { inferenceWorkers?: number; hideFromFirst?: boolean; atStart?: boolean } = {}) {
    const random = prng(seed);
    const runDir = path.join(dir, name);
    const out = path.join(runDir, 'out');
    const eventsLog = path.join(dir, `${name}.events.jsonl`); // outside runDir, which a blind worker cannot see
    const taskQueue = `${name}-${randomUUID()}`;
    const inferenceQueue = inferenceTaskQueueOf(taskQueue);
    mkdirSync(runDir, { recursive: true });
    const workers = {
      orchestration: await spawnWorker(cluster.address, taskQueue, eventsLog),
      inference: await Promise.all(Array.from({ length: options.inferenceWorkers ?? 2 }, (_, i) =>
        spawnWorker(cluster.address, inferenceQueue, eventsLog, options.hideFromFirst && i === 0 ? runDir : undefined))),
    };
    const respawn = async (kind: 'orchestration' | 'inference', i = 0) => {
      if (kind === 'orchestration') {
        await killHard(workers.orchestration);
        workers.orchestration = await spawnWorker(cluster.address, taskQueue, eventsLog);
      } else {
        await killHard(workers.inference[i]!);
        workers.inference[i] = await spawnWorker(cluster.address, inferenceQueue, eventsLog);
      }
    };
    try {
      const handle = await startCohortEvaluation(client, { ...base(), runId: `${name}-${randomUUID().slice(0, 8)}`, out, inferenceTaskQueue: inferenceQueue }, { taskQueue });
      const commits = () => readEvents(eventsLog).filter((e) => e.activity === 'measureSubject' && e.outcome === 'completed').length;
      const at = options.atStart ? 0 : 1 + Math.floor(random() * (SUBJECTS / 2));
      await until(`${at} committed subjects`, () => commits() >= at);
      if (!options.atStart) await sleep(Math.floor(random() * 1500));
      await fault({ workers, respawn, handle, eventsLog, out });
      const result = await resultOf(client, handle.workflowId);

      expect(result.counts).toEqual({ total: SUBJECTS, done: SUBJECTS - 1, cached: 0, failed: 1 });
      for (const f of REPORTS) expect(readFileSync(path.join(out, f)), `${name}: ${f}`).toEqual(reference[f]);
      const events = readEvents(eventsLog);
      for (let i = 0; i < SUBJECTS; i++) {
        const id = `f${String(i).padStart(2, '0')}`;
        const committed = events.filter((e) => e.subjectId === id && e.activity === 'measureSubject' && e.outcome === 'completed');
        expect(committed, `${name}: commits of ${id}`).toHaveLength(i === 7 ? 0 : 1);
      }
      console.log(`${name}: fault at ${at} committed subjects; run completed, ${REPORTS.length} reports byte-identical (${REPORTS.map((f) => reference[f]!.length).join(' + ')} bytes), ${SUBJECTS - 1} subjects committed once each`);
      return { result, events };
    } finally {
      await killHard(workers.orchestration);
      for (const w of workers.inference) await killHard(w);
    }
  }

  it('SIGKILL of the orchestration worker at a seeded point', async () => {
    await runWithFault('kill-orchestration', 20261202, async ({ respawn }) => respawn('orchestration'));
  });

  it('SIGKILL of an inference worker at a seeded point', async () => {
    const { events } = await runWithFault('kill-inference', 20261203, async ({ respawn }) => respawn('inference', 0));
    expect(new Set(events.filter((e) => e.activity === 'inferSubject').map((e) => e.pid)).size).toBeGreaterThanOrEqual(2);
  });

  it('a restart of the Temporal server (SIGKILL, then start on the same database)', async () => {
    await runWithFault('restart-server', 20261204, async () => {
      const before = cluster.serverPid;
      await cluster.restartServer();
      expect(cluster.serverPid).not.toBe(before);
    });
  });

  it('a restart of PostgreSQL (immediate mode: crash recovery)', async () => {
    await runWithFault('restart-postgres', 20261205, async () => {
      const before = cluster.postgresPid;
      await cluster.restartPostgres();
      expect(cluster.postgresPid).not.toBe(before);
    });
  });

  it('an inference worker that cannot see the run folder fails its attempts clearly, naming the folder; the run completes on the others', async () => {
    await runWithFault('blind-worker', 20261206, async ({ handle, out }) => {
      // The blind worker (its own mount namespace) takes inference tasks and fails them, naming
      // the folder; the subjects' retries go to the workers that see it. Find one such failure.
      const runDir = path.dirname(out);
      let seen = '';
      await until('a RunFolderNotVisible failure', async () => {
        for (let i = 0; i < SUBJECTS && !seen; i++) {
          const d = await client.workflow.getHandle(subjectWorkflowId(handle.workflowId, i)).describe().catch(() => undefined);
          for (const a of d?.raw.pendingActivities ?? []) {
            const message = a.lastFailure?.message ?? '';
            if (a.lastFailure?.applicationFailureInfo?.type === RUN_FOLDER_NOT_VISIBLE) seen = message;
          }
        }
        return seen !== '';
      }, 240_000);
      expect(seen).toContain(`run folder ${out} does not exist here on this worker (host `);
      expect(seen).toContain('shared filesystem');
      expect(out.startsWith(runDir)).toBe(true);
      // One blind worker of three: a subject's 10 attempts all landing on it is a 1 in 59,049 chance.
    }, { inferenceWorkers: 3, hideFromFirst: true, atStart: true });
  });
});
