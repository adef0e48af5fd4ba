// The service on loopback for tests: a real Temporal dev server, a real worker with the
// service's workflow and activities, and the fastify app listening on 127.0.0.1.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import { repoRoot } from '@seahorse/testkit';
import { DevServer } from '@seahorse/workflows';
import { createServeActivities } from '../activities/serve-activities.js';
import type { ServeCompute } from '../activities/serve-compute.js';
import { secretChecker } from '../auth.js';
import { ModelRegistry } from '../model-registry.js';
import { RunStore } from '../run-store.js';
import { createServeApp, type ServeApp, type ServeLimits } from '../serve-app.js';
import { serveWorkflowsPath } from '../workflows-path.js';
import type { ZipLimits } from '../zip-archive.js';
import { fakeCompute } from './fake-compute.test-helpers.js';

export const TEST_SECRET = 'test-secret-0123456789abcdef';
/** The committed demo model, registered as its name:version. */
export const DEMO_MODEL_DIR = path.join(repoRoot(), 'models', 'demo');
export const DEMO_MODEL_ID = 'SeahorseDemo:1';

let bundle: Promise<WorkflowBundle> | undefined;
let runtime = false;

/** The service's workflow bundle, built once per test file. */
export function serveBundle(): Promise<WorkflowBundle> {
  if (!runtime) {
    runtime = true;
    try { Runtime.install({ logger: new DefaultLogger('WARN') }); } catch { /* already installed */ }
  }
  bundle ??= bundleWorkflowCode({ workflowsPath: serveWorkflowsPath(), logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: (m: string) => console.error(m) } });
  return bundle;
}

/** A running worker for the service's task queue. */
export async function startServeWorker(address: string, taskQueue: string, compute: ServeCompute) {
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection, taskQueue, workflowBundle: await serveBundle(), activities: createServeActivities(compute, { heartbeatEveryMs: 200 }),
    maxHeartbeatThrottleInterval: 1_000, maxConcurrentActivityTaskExecutions: 4,
  });
  const running = worker.run();
  return {
    async stop() {
      worker.shutdown();
      await running;
      await connection.close();
    },
  };
}

export interface ServeHarnessOptions {
  compute?: ServeCompute;
  limits?: Partial<ServeLimits>;
  zipLimits?: ZipLimits;
  /** Reuse a dev server (default: start one, stopped by `close`). */
  server?: DevServer;
  /** Reuse a service folder (default: a new temporary one, deleted by `close`). */
  dataDir?: string;
  /** Do not run a worker (the runs stay queued). */
  noWorker?: boolean;
  /** Task queue (default: a new one). */
  taskQueue?: string;
}

export interface ServeHarness {
  url: string;
  app: ServeApp;
  store: RunStore;
  server: DevServer;
  client: Client;
  taskQueue: string;
  dataDir: string;
  logLines: string[];
  close(): Promise<void>;
}

export async function startServeHarness(options: ServeHarnessOptions = {}): Promise<ServeHarness> {
  await serveBundle();
  const ownServer = !options.server;
  const server = options.server ?? (await DevServer.start());
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'seahorse-serve-'));
  const taskQueue = options.taskQueue ?? `serve-test-${randomUUID()}`;
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const worker = options.noWorker ? undefined : await startServeWorker(server.address, taskQueue, options.compute ?? fakeCompute());
  const store = new RunStore(dataDir);
  const logLines: string[] = [];
  const app = createServeApp({
    store, registry: ModelRegistry.load(DEMO_MODEL_DIR), checkSecret: secretChecker(TEST_SECRET),
    temporal: { client, taskQueue }, workflow: { heartbeatTimeoutS: 3 }, limits: options.limits, zipLimits: options.zipLimits, log: (l) => logLines.push(l),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const url = typeof addr === 'object' && addr ? `http://127.0.0.1:${addr.port}` : '';
  return {
    url, app, store, server, client, taskQueue, dataDir, logLines,
    async close() {
      await app.close();
      await worker?.stop();
      await connection.close();
      if (ownServer) await server.stop();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Headers with the right secret. */
export const authed = (extra: Record<string, string> = {}) => ({ API_AUTH_SECRET: TEST_SECRET, ...extra });

/** Starts a run; returns the response. */
export async function postStart(url: string, body: Buffer | undefined, modelId = DEMO_MODEL_ID, headers: Record<string, string> = authed()) {
  return await fetch(`${url}/v1/model/start/${modelId}`, { method: 'POST', headers, body });
}

/** Polls the results route until it answers something other than 202 (as InnerEye's own test does). */
export async function pollResult(url: string, runId: string, timeoutMs = 60_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await fetch(`${url}/v1/model/results/${runId}`, { headers: authed() });
    if (r.status !== 202) return r;
    await r.arrayBuffer();
    if (Date.now() > deadline) throw new Error(`run ${runId} still 202 after ${timeoutMs} ms`);
    await new Promise((res) => setTimeout(res, 100));
  }
}
