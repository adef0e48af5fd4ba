// npm run bench -- workflows
// 1. Orchestration overhead: the whole run's wall time against the time its activities' real work
//    took (synthetic inference of a fixed duration), as a percentage, measured in the same run.
// 2. Throughput with 1 against 2 worker processes, with CPU-bound synthetic inference.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { DevServer, startCohortEvaluation } from '../src/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'seahorse-bench-wf-'));

async function spawnWorker(address: string, taskQueue: string, inferMs: number, mode: 'sleep' | 'cpu', timings: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--conditions=@seahorse/source', '--import', 'tsx', path.join(here, 'bench-worker.ts'), address, taskQueue, String(inferMs), mode, timings], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('worker ready') && resolve());
    child.once('exit', (c) => reject(new Error(`bench worker exited ${c}`)));
  });
  return child;
}

async function run(client: Client, address: string, opts: { subjects: number; concurrency: number; inferMs: number; mode: 'sleep' | 'cpu'; workers: number }) {
  const name = `b-${randomUUID().slice(0, 8)}`;
  const dataset = path.join(dir, `${name}.json`);
  writeFileSync(dataset, JSON.stringify({ subjects: Array.from({ length: opts.subjects }, (_, i) => `s${i}`) }));
  const timings = path.join(dir, `${name}.timings.jsonl`);
  const taskQueue = `bench-${name}`;
  const workers = await Promise.all(Array.from({ length: opts.workers }, () => spawnWorker(address, taskQueue, opts.inferMs, opts.mode, timings)));
  const t0 = performance.now();
  const handle = await startCohortEvaluation(client, { runId: name, dataset, model: dir, out: path.join(dir, name), concurrency: opts.concurrency }, { taskQueue });
  const result = await handle.result();
  const wallMs = performance.now() - t0;
  for (const w of workers) w.kill('SIGTERM');
  const steps = existsSync(timings) ? readFileSync(timings, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { ms: number; start: number; end: number }) : [];
  const inferTotal = steps.reduce((a, b) => a + b.ms, 0);
  // Steady state: from the first inference's start to the last one's end, minus the work itself,
  // per subject after the first (planning and aggregation excluded).
  const span = steps.length > 1 ? Math.max(...steps.map((x) => x.end)) - Math.min(...steps.map((x) => x.start)) : 0;
  const gapPerSubjectMs = steps.length > 1 ? (span - inferTotal) / (steps.length - 1) : 0;
  return { wallMs, inferTotal, gapPerSubjectMs, done: result.counts.done };
}

const server = await DevServer.start();
const connection = await Connection.connect({ address: server.address });
const client = new Client({ connection });
try {
  const subjects = 40;
  const inferMs = 1000;
  const o = await run(client, server.address, { subjects, concurrency: 1, inferMs, mode: 'sleep', workers: 1 });
  const overheadPct = (100 * (o.wallMs - o.inferTotal)) / o.inferTotal;
  console.log(`orchestration overhead: ${subjects} subjects, concurrency 1, ${inferMs} ms inference each`);
  console.log(`  whole run: wall ${(o.wallMs / 1000).toFixed(2)} s, activity work ${(o.inferTotal / 1000).toFixed(2)} s: ${((o.wallMs - o.inferTotal) / subjects).toFixed(1)} ms/subject including planning and aggregation = ${overheadPct.toFixed(2)} %`);
  console.log(`  per subject (steady state, between one subject's inference and the next's): ${o.gapPerSubjectMs.toFixed(1)} ms = ${((100 * o.gapPerSubjectMs) / inferMs).toFixed(2)} % of the per-subject activity time (goal <= 2 %)`);

  const cpuSubjects = 16;
  const one = await run(client, server.address, { subjects: cpuSubjects, concurrency: 2, inferMs, mode: 'cpu', workers: 1 });
  const two = await run(client, server.address, { subjects: cpuSubjects, concurrency: 2, inferMs, mode: 'cpu', workers: 2 });
  const tp = (r: { wallMs: number }) => (cpuSubjects / r.wallMs) * 60_000;
  console.log(`throughput, ${cpuSubjects} subjects of ${inferMs} ms CPU-bound inference, concurrency 2:`);
  console.log(`  1 worker process:  ${tp(one).toFixed(1)} subjects/min (wall ${(one.wallMs / 1000).toFixed(1)} s)`);
  console.log(`  2 worker processes: ${tp(two).toFixed(1)} subjects/min (wall ${(two.wallMs / 1000).toFixed(1)} s)`);
  console.log(`  ratio 2/1: ${(tp(two) / tp(one)).toFixed(2)}x`);
} finally {
  await connection.close();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
