// A worker process with synthetic compute, for fault-injection tests (killed with SIGKILL).
// Usage: node --conditions=@seahorse/source --import tsx synthetic-worker.test-helpers.ts <address> <taskQueue> <eventsLog> <inferMs> [maxActivities]
// The worker serves the workflows and every activity on <taskQueue>: give it the orchestration
// queue for an orchestration worker, or a run's inference queue for an inference worker.
import { appendFileSync } from 'node:fs';
import { createCohortActivities } from '@seahorse/workflows';
import { createSeahorseWorker } from '../seahorse-worker.js';
import { syntheticDeps } from './synthetic-deps.test-helpers.js';

const [address, taskQueue, eventsLog, inferMs, maxActivities] = process.argv.slice(2);
if (!address || !taskQueue || !eventsLog) throw new Error('usage: <address> <taskQueue> <eventsLog> [inferMs] [maxActivities]');
const { worker } = await createSeahorseWorker({
  address, taskQueue, maxConcurrentActivityTaskExecutions: Number(maxActivities ?? 4),
  activities: createCohortActivities(syntheticDeps({ inferMs: Number(inferMs ?? 0), steps: 8 }), {
    onEvent: (e) => appendFileSync(eventsLog, `${JSON.stringify(e)}\n`),
  }),
});
console.log('worker ready');
await worker.run();
