// A worker for the service's task queue as its own process (no app), for the test that kills a
// worker during inference: the stand-in compute, against an existing dev server.
// Usage: node --conditions=@seahorse/source --import tsx serve-worker-process.test-helpers.ts <address> <taskQueue> <delayMs> <eventsLog>
import { appendFileSync } from 'node:fs';
import { fakeCompute } from './fake-compute.test-helpers.js';
import { startServeWorker } from './serve-harness.test-helpers.js';

const [address, taskQueue, delayMs, eventsLog] = process.argv.slice(2);
if (!address || !taskQueue || !eventsLog) throw new Error('usage: <address> <taskQueue> <delayMs> <eventsLog>');
await startServeWorker(address, taskQueue, fakeCompute({
  delayMs: Number(delayMs), onStart: () => appendFileSync(eventsLog, `segment ${process.pid}\n`),
}));
console.log('worker running');
