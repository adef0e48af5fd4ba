// A worker process for the workflows benchmark: the real cohort workflow and activities, with
// synthetic compute whose inference step takes a fixed amount of time (sleep or CPU-bound work).
// Usage: node --conditions=@seahorse/source --import tsx bench-worker.ts <address> <taskQueue> <inferMs> <sleep|cpu> <timingsFile>
import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createCohortActivities, workflowsPath, type CohortDeps } from '../src/index.js';

const [address, taskQueue, inferMsText, mode, timings] = process.argv.slice(2);
const inferMs = Number(inferMsText);

function burn(ms: number): void {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x += Math.sqrt(x + 1);
  if (x < 0) console.log(x);
}

/** Synthetic compute; records each step's duration so the benchmark can add them up. */
export function benchDeps(): CohortDeps {
  const record = (step: string, start: number, end: number) =>
    appendFileSync(timings!, `${JSON.stringify({ step, ms: end - start, start, end })}\n`);
  const timed = async <T>(step: string, fn: () => Promise<T> | T): Promise<T> => {
    const t0 = Date.now();
    try {
      return await fn();
    } finally {
      record(step, t0, Date.now());
    }
  };
  return {
    loadSubjects: async (file) => (JSON.parse(readFileSync(file, 'utf8')) as { subjects: string[] }).subjects
      .map((id) => ({ id, images: [file], groundTruth: { kind: 'masks', masks: { s: file } } })),
    describeModel: async () => ({ fingerprint: 'bench', name: 'bench', version: '1', structures: ['s'] }),
    isBadInput: () => false,
    validateSubject: async () => {},
    segmentSubject: ({ outDir }) => timed('infer', async () => {
      if (mode === 'cpu') burn(inferMs);
      else await new Promise((r) => setTimeout(r, inferMs));
      mkdirSync(outDir, { recursive: true });
      const f = path.join(outDir, 'segmentation.nii.gz');
      writeFileSync(`${f}.tmp`, 'x');
      renameSync(`${f}.tmp`, f);
      return { segmentationFile: f };
    }),
    measureSubject: async () => ({ rows: [{ structure: 's', DiceNumeric: 1, HausdorffDistance_mm: 0, MeanDistance_mm: 0 }], volumes: [{ structure: 's', voxels: 1, volume_mm3: 1 }] }),
    writeReports: async ({ outDir }) => ({ metricsCsv: outDir, aggregatesCsv: outDir, markdownFile: outDir, reportHtml: outDir, plots: [], markdown: '' }),
  };
}

Runtime.install({ logger: new DefaultLogger('ERROR') });
const connection = await NativeConnection.connect({ address: address! });
const worker = await Worker.create({
  connection, taskQueue: taskQueue!, workflowBundle: await bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error } }),
  activities: createCohortActivities(benchDeps()), maxConcurrentActivityTaskExecutions: mode === 'cpu' ? 1 : 4,
});
console.log('worker ready');
await worker.run();
