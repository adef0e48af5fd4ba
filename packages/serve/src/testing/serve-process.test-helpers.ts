// The service as its own process, for the SIGKILL test: a worker with the stand-in compute and
// the app on 127.0.0.1, against an existing dev server.
// Usage: node --conditions=@seahorse/source --import tsx serve-process.test-helpers.ts <address> <taskQueue> <dataDir> <delayMs> <eventsLog>
import { appendFileSync } from 'node:fs';
import { fakeCompute } from './fake-compute.test-helpers.js';
import { startServeHarness } from './serve-harness.test-helpers.js';
import { DevServer } from '@seahorse/workflows';

const [address, taskQueue, dataDir, delayMs, eventsLog] = process.argv.slice(2);
if (!address || !taskQueue || !dataDir || !eventsLog) throw new Error('usage: <address> <taskQueue> <dataDir> <delayMs> <eventsLog>');
const server = { address } as DevServer; // used only for its address: the test owns the server
const h = await startServeHarness({
  server, taskQueue, dataDir,
  compute: fakeCompute({ delayMs: Number(delayMs), onStart: () => appendFileSync(eventsLog, `segment ${process.pid}\n`) }),
});
const recovered = await h.app.recoverRuns();
console.log(`listening ${h.url} recovered ${recovered.length}`);
