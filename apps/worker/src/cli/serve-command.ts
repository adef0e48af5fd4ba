import path from 'node:path';
import {
  createServeActivities, createServeApp, loadSecret, ModelRegistry, ModelRegistryError, RunStore, secretChecker, SecretError, SERVE_TASK_QUEUE,
  serveWorkflowsPath, ServeLimits, type ServeCompute,
} from '@seahorse/serve';
import { z } from 'zod';
import { CliError, EXIT } from './cli-error.js';
import { openTemporalTarget, TemporalTargetOptions } from './temporal-target.js';
import { createSeahorseWorker } from '../seahorse-worker.js';

/** `seahorse serve`'s own defaults (the limits' defaults are ServeLimits'). */
export const SERVE_DEFAULTS = { host: '127.0.0.1', port: 5000, data: 'serve-data', taskQueue: SERVE_TASK_QUEUE } as const;

/** The service's limits unless told otherwise (stated once, in ServeLimits). */
export const SERVE_LIMIT_DEFAULTS = ServeLimits.parse({});

export const ServeOptions = TemporalTargetOptions.extend({
  models: z.string().min(1),
  port: z.coerce.number().int().min(0).max(65535).default(SERVE_DEFAULTS.port),
  host: z.string().min(1).default(SERVE_DEFAULTS.host),
  data: z.string().min(1).default(SERVE_DEFAULTS.data),
  taskQueue: z.string().min(1).default(SERVE_DEFAULTS.taskQueue),
  /** Run no worker in this process (workers elsewhere serve the task queue). */
  worker: z.boolean().default(true),
  maxInFlight: z.coerce.number().int().min(1).max(1000).optional(),
  maxBodyMb: z.coerce.number().int().min(1).max(64 * 1024).optional(),
  retentionHours: z.coerce.number().positive().optional(),
  retryAfter: z.coerce.number().int().min(1).max(3600).optional(),
  /** A file holding the secret (else API_AUTH_SECRET / API_AUTH_SECRET_FILE in the environment). */
  secretFile: z.string().min(1).optional(),
});
export type ServeOptions = z.input<typeof ServeOptions>;

/** A running service. */
export interface RunningService {
  url: string;
  /** `host:port` of Temporal (the embedded dev server's when no --address). */
  temporalAddress: string;
  close(): Promise<void>;
}

/**
 * Starts the service: the model registry, the run folder, Temporal (the embedded dev server with
 * its database under `<data>/.temporal/` unless `--address`), a worker for the service's task
 * queue in this process, and the HTTP app. Accepted runs that never reached Temporal are started.
 */
export async function startServe(raw: unknown, makeCompute: () => ServeCompute & { close?: () => Promise<void> },
  log: (line: string) => void = console.log, env: NodeJS.ProcessEnv = process.env): Promise<RunningService> {
  const o = ServeOptions.parse(raw);
  let secret: string;
  try {
    secret = loadSecret(env, o.secretFile ? { file: o.secretFile } : {});
  } catch (err) {
    if (err instanceof SecretError) throw new CliError(err.message, EXIT.usage);
    throw err;
  }
  let registry: ModelRegistry;
  try {
    registry = ModelRegistry.load(o.models);
  } catch (err) {
    if (err instanceof ModelRegistryError) throw new CliError(`--models: ${err.message}`, EXIT.usage);
    throw err;
  }
  const data = path.resolve(o.data);
  const store = new RunStore(data);
  const limits = ServeLimits.parse({
    ...(o.maxInFlight ? { maxInFlight: o.maxInFlight } : {}),
    ...(o.maxBodyMb ? { maxBodyBytes: o.maxBodyMb * 1024 * 1024 } : {}),
    ...(o.retentionHours ? { retentionMs: Math.round(o.retentionHours * 3_600_000) } : {}),
    ...(o.retryAfter ? { retryAfterSeconds: o.retryAfter } : {}),
  });
  const target = await openTemporalTarget(o, path.join(data, '.temporal'));
  const compute = o.worker ? makeCompute() : undefined;
  let worker: Awaited<ReturnType<typeof createSeahorseWorker>> | undefined;
  let running: Promise<void> | undefined;
  try {
    if (compute) {
      worker = await createSeahorseWorker({
        address: target.address, namespace: target.namespace, taskQueue: o.taskQueue,
        activities: createServeActivities(compute), workflowsPath: serveWorkflowsPath(),
        maxConcurrentActivityTaskExecutions: limits.maxInFlight,
      });
      running = worker.worker.run();
    }
  } catch (err) {
    await target.close();
    throw new CliError(`cannot start the service's worker on ${target.address}: ${(err as Error).message}`, EXIT.temporal);
  }
  const app = createServeApp({
    store, registry, checkSecret: secretChecker(secret), limits,
    temporal: { client: target.client, taskQueue: o.taskQueue }, log,
  });
  await app.listen({ host: o.host, port: o.port });
  const addr = app.server.address();
  const url = `http://${o.host}:${typeof addr === 'object' && addr ? addr.port : o.port}`;
  const recovered = await app.recoverRuns();
  log(`seahorse serve: listening on ${url}; models ${registry.ids().join(', ')}; runs in ${data}; Temporal ${target.address}${target.embedded ? ' (embedded)' : ''}${recovered.length ? `; ${recovered.length} interrupted run(s) restarted` : ''}`);
  let closed = false;
  return {
    url, temporalAddress: target.address,
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      if (worker) {
        // On SIGINT/SIGTERM the Temporal runtime has already begun draining the worker.
        if (worker.worker.getState() === 'RUNNING') worker.worker.shutdown();
        await running;
        await worker.connection.close();
      }
      await compute?.close?.();
      await target.close();
    },
  };
}

/** `seahorse serve`: runs until SIGINT/SIGTERM, then stops gracefully. */
export async function serveCommand(raw: unknown, makeCompute: () => ServeCompute & { close?: () => Promise<void> }, log: (line: string) => void = console.log): Promise<void> {
  const service = await startServe(raw, makeCompute, log);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  log('seahorse serve: stopping');
  await service.close();
}
