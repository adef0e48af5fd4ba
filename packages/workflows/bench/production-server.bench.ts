// npm run bench -- workflows/production-server
// The cohort workflow on the production kind of deployment: Temporal server v1.29.1 on PostgreSQL
// (scripts/temporal-cluster.sh), workers as separate processes, the synthetic compute of
// src/testing. Environment: SEAHORSE_BENCH_SUBJECTS (default 10000), SEAHORSE_BENCH_CONCURRENCY
// (default 64), SEAHORSE_BENCH_SKIP_SCALEOUT=1, SEAHORSE_BENCH_SKIP_BIG=1.
// 1. A big cohort with zero-time inference: subjects/s, orchestration cost per subject (wall
//    time and CPU time of server + PostgreSQL + workers), the largest history of any execution,
//    continue-as-new generations, peak RSS of the server and of PostgreSQL.
// 2. Per-subject latency overhead at concurrency 1 with 1 s of (sleeping) inference per subject,
//    and the throughput overhead with a window one deeper than the single inference slot.
// 3. Scale-out: 1, 2 and 4 inference worker processes, CPU-bound inference.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { cohortWorkflowId, inferenceTaskQueueOf, startCohortEvaluation, TemporalCluster } from '../src/index.js';
import { writeSyntheticCohort } from '../src/testing/synthetic-deps.test-helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..', '..');
const work = mkdtempSync(path.join(tmpdir(), 'seahorse-bench-prod-'));
const SUBJECTS = Number(process.env.SEAHORSE_BENCH_SUBJECTS ?? 10_000);
const CONCURRENCY = Number(process.env.SEAHORSE_BENCH_CONCURRENCY ?? 64);
const ticksPerSecond = 100; // USER_HZ on Linux

async function spawnWorker(address: string, taskQueue: string, inferMs: number, mode: 'sleep' | 'cpu', maxActivities: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--conditions=@seahorse/source', '--import', 'tsx', path.join(here, 'production-worker.ts'),
    address, taskQueue, String(inferMs), mode, String(maxActivities)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('worker ready') && resolve());
    child.once('exit', (c) => reject(new Error(`bench worker exited ${c}`)));
  });
  return child;
}

/** utime + stime of a process, in ms (0 when it is gone). */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return 0;
  }
}
/** Proportional set size of a process in MiB (shared pages split among their users), 0 when gone. */
function pssMiB(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}
function rssMiB(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}
/** PostgreSQL's processes: the postmaster and its children. */
function postgresPids(postmaster: number): number[] {
  const pids = [postmaster];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
      if (ppid === postmaster) pids.push(Number(name));
    } catch { /* gone */ }
  }
  return pids;
}

interface RunFigures { wallMs: number; done: number; continuedAsNew: number; workflowId: string; taskQueue: string }

async function run(client: Client, cluster: TemporalCluster, o: { subjects: number; concurrency: number; inferMs: number; mode: 'sleep' | 'cpu'; inferenceWorkers: number; inferenceSlots: number; onTick?: () => void }): Promise<RunFigures & { workerCpuMs: number }> {
  const name = `p-${randomUUID().slice(0, 8)}`;
  const dataset = writeSyntheticCohort(path.join(work, name, 'data'), Array.from({ length: o.subjects }, (_, i) => ({ id: `s${i}`, value: i % 100 })));
  const taskQueue = `bench-${name}`;
  const workers = [await spawnWorker(cluster.address, taskQueue, 0, 'sleep', 200)];
  for (let i = 0; i < o.inferenceWorkers; i++) workers.push(await spawnWorker(cluster.address, inferenceTaskQueueOf(taskQueue), o.inferMs, o.mode, o.inferenceSlots));
  const cpu0 = workers.map((w) => cpuMs(w.pid!));
  const t0 = performance.now();
  const handle = await startCohortEvaluation(client, {
    runId: name, dataset, model: work, out: path.join(work, name, 'out'), concurrency: o.concurrency, pageSize: 500,
    inferenceTaskQueue: inferenceTaskQueueOf(taskQueue),
  }, { taskQueue });
  const tick = o.onTick ? setInterval(o.onTick, 1000) : undefined;
  let lastReport = 0;
  const progress = setInterval(() => {
    void handle.query('progress').then((p) => {
      const s = p as { done: number; total: number; continuedAsNew: number };
      if (s.done - lastReport >= 1000) {
        lastReport = s.done;
        console.log(`  … ${s.done}/${s.total} subjects after ${((performance.now() - t0) / 1000).toFixed(0)} s (generation ${s.continuedAsNew})`);
      }
    }).catch(() => undefined);
  }, 5000);
  try {
    const result = await handle.result();
    const wallMs = performance.now() - t0;
    const workerCpuMs = workers.reduce((a, w, i) => a + cpuMs(w.pid!) - cpu0[i]!, 0);
    return { wallMs, done: result.counts.done, continuedAsNew: result.continuedAsNew, workflowId: handle.workflowId, taskQueue, workerCpuMs };
  } finally {
    clearInterval(progress);
    if (tick) clearInterval(tick);
    for (const w of workers) w.kill('SIGTERM');
    rmSync(path.join(work, name), { recursive: true, force: true });
  }
}

/** The largest history of the run's executions: its generations and its subject workflows. */
async function largestHistories(client: Client, r: RunFigures) {
  let cohort = 0;
  let generations = 0;
  for await (const e of client.workflow.list({ query: `WorkflowId = "${cohortWorkflowId(r.workflowId.replace(/^seahorse-run-/, ''))}"` })) {
    cohort = Math.max(cohort, e.historyLength);
    generations++;
  }
  let subject = 0;
  let subjects = 0;
  for await (const e of client.workflow.list({ query: `WorkflowType = "cohortSubject" AND TaskQueue = "${r.taskQueue}"` })) {
    subject = Math.max(subject, e.historyLength);
    subjects++;
  }
  return { cohort, generations, subject, subjects };
}

console.log(`cluster: starting (scripts/temporal-cluster.sh; the first start builds the server: minutes)`);
const cluster = await TemporalCluster.start({ dir: process.env.SEAHORSE_BENCH_CLUSTER_DIR ?? path.join(root, '.tools', 'temporal-cluster-bench') });
const connection = await Connection.connect({ address: cluster.address });
const client = new Client({ connection });
try {
  console.log(`cluster: Temporal server pid ${cluster.serverPid}, PostgreSQL pid ${cluster.postgresPid}, ${cluster.address}`);

  if (process.env.SEAHORSE_BENCH_SKIP_BIG !== '1') {
    let serverPeak = 0;
    let postgresPeak = 0;
    const sample = () => {
      serverPeak = Math.max(serverPeak, rssMiB(cluster.serverPid));
      postgresPeak = Math.max(postgresPeak, postgresPids(cluster.postgresPid).reduce((a, p) => a + pssMiB(p), 0));
    };
    sample();
    const serverCpu0 = cpuMs(cluster.serverPid);
    const pgCpu0 = postgresPids(cluster.postgresPid).reduce((a, p) => a + cpuMs(p), 0);
    console.log(`\n1. ${SUBJECTS} subjects, zero-time synthetic inference, concurrency ${CONCURRENCY}, 1 orchestration + 1 inference worker process`);
    const big = await run(client, cluster, { subjects: SUBJECTS, concurrency: CONCURRENCY, inferMs: 0, mode: 'sleep', inferenceWorkers: 1, inferenceSlots: CONCURRENCY, onTick: sample });
    sample();
    const serverCpu = cpuMs(cluster.serverPid) - serverCpu0;
    const pgCpu = postgresPids(cluster.postgresPid).reduce((a, p) => a + cpuMs(p), 0) - pgCpu0;
    const h = await largestHistories(client, big);
    console.log(`  completed ${big.done} subjects in ${(big.wallMs / 1000).toFixed(1)} s: ${((big.done / big.wallMs) * 1000).toFixed(1)} subjects/s`);
    console.log(`  orchestration cost per subject: ${(big.wallMs / big.done).toFixed(1)} ms of wall time; CPU ${(serverCpu / big.done).toFixed(1)} ms server + ${(pgCpu / big.done).toFixed(1)} ms PostgreSQL + ${(big.workerCpuMs / big.done).toFixed(1)} ms workers = ${((serverCpu + pgCpu + big.workerCpuMs) / big.done).toFixed(1)} ms`);
    console.log(`  continue-as-new generations: ${big.continuedAsNew} (executions of the cohort workflow listed: ${h.generations})`);
    console.log(`  largest history: cohort workflow ${h.cohort} events, subject workflow ${h.subject} events (${h.subjects} subject workflows listed); limit 51,200`);
    console.log(`  peak RSS: Temporal server ${serverPeak.toFixed(0)} MiB, PostgreSQL ${postgresPeak.toFixed(0)} MiB (sum of PSS over its processes)`);
  }

  console.log(`\n2. per-subject latency overhead: 20 subjects, concurrency 1, 1000 ms of sleeping inference each`);
  const lat = await run(client, cluster, { subjects: 20, concurrency: 1, inferMs: 1000, mode: 'sleep', inferenceWorkers: 1, inferenceSlots: 1 });
  const perSubject = (lat.wallMs - 20 * 1000) / 20;
  console.log(`  wall ${(lat.wallMs / 1000).toFixed(2)} s for 20 s of inference: ${perSubject.toFixed(1)} ms/subject (planning and aggregation included) = ${(perSubject / 10).toFixed(2)} % of a 1 s subject (goal <= 2 %)`);
  // The same subjects with a window one deeper than the inference slots (concurrency 2, one slot):
  // the next subject's orchestration runs while this one infers, so what a cohort pays is only the
  // slot's idle time between two inferences.
  console.log(`\n2b. per-subject throughput overhead: 40 subjects, concurrency 2, one inference slot, 1000 ms of sleeping inference each`);
  const thr = await run(client, cluster, { subjects: 40, concurrency: 2, inferMs: 1000, mode: 'sleep', inferenceWorkers: 1, inferenceSlots: 1 });
  const perSubjectThr = (thr.wallMs - 40 * 1000) / 40;
  console.log(`  wall ${(thr.wallMs / 1000).toFixed(2)} s for 40 s of inference on one slot: ${perSubjectThr.toFixed(1)} ms/subject (planning and aggregation included) = ${(perSubjectThr / 10).toFixed(2)} % of a 1 s subject (goal <= 2 %)`);

  if (process.env.SEAHORSE_BENCH_SKIP_SCALEOUT !== '1') {
    const n = 24;
    const ms = 500;
    console.log(`\n3. scale-out: ${n} subjects of ${ms} ms CPU-bound inference, concurrency 8, one slot per inference worker process`);
    const rows: { workers: number; perMin: number; wallMs: number }[] = [];
    for (const workers of [1, 2, 4]) {
      const r = await run(client, cluster, { subjects: n, concurrency: 8, inferMs: ms, mode: 'cpu', inferenceWorkers: workers, inferenceSlots: 1 });
      rows.push({ workers, perMin: (r.done / r.wallMs) * 60_000, wallMs: r.wallMs });
      console.log(`  ${workers} inference worker(s): ${rows.at(-1)!.perMin.toFixed(1)} subjects/min (wall ${(r.wallMs / 1000).toFixed(1)} s), ratio to 1 worker ${(rows.at(-1)!.perMin / rows[0]!.perMin).toFixed(2)}x`);
    }
  }
} finally {
  await connection.close();
  await cluster.stop();
  if (existsSync(work)) rmSync(work, { recursive: true, force: true });
}
