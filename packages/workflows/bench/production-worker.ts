// A worker process for the production-server benchmark: the real cohort workflows and activities
// with the synthetic compute (src/testing). Serves one task queue: the orchestration queue
// (workflows, planning, the per-subject local activities) or a run's inference queue.
// Usage: node --conditions=@seahorse/source --import tsx production-worker.ts <address> <taskQueue> <inferMs> <sleep|cpu> <maxActivities>
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createCohortActivities, workflowsPath } from '../src/index.js';
import { syntheticDeps } from '../src/testing/synthetic-deps.test-helpers.js';

const [address, taskQueue, inferMs, mode, maxActivities] = process.argv.slice(2);
Runtime.install({ logger: new DefaultLogger('ERROR') });
const connection = await NativeConnection.connect({ address: address! });
const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error };
const worker = await Worker.create({
  connection, taskQueue: taskQueue!,
  workflowBundle: await bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: quiet }),
  activities: createCohortActivities(syntheticDeps({ inferMs: Number(inferMs), steps: 1, burnCpu: mode === 'cpu' })),
  maxConcurrentActivityTaskExecutions: Number(maxActivities),
  maxConcurrentLocalActivityExecutions: 200,
});
console.log('worker ready');
await worker.run();
