import { z } from 'zod';
import { createSeahorseWorker } from '../seahorse-worker.js';
import { TemporalTargetOptions } from './temporal-target.js';
import { CliError, EXIT } from './cli-error.js';

export const WorkerOptions = TemporalTargetOptions.extend({
  address: z.string().regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port'),
  taskQueue: z.string().min(1).default('seahorse'),
  maxActivities: z.coerce.number().int().min(1).max(64).default(2),
});

/**
 * `seahorse worker`: a long-running worker process against an existing Temporal cluster.
 * It stops gracefully on SIGINT/SIGTERM: in-flight activities finish or are cancelled, then it exits.
 */
export async function workerCommand(raw: unknown, log: (line: string) => void = console.log): Promise<void> {
  const options = WorkerOptions.parse(raw);
  let w;
  try {
    w = await createSeahorseWorker({
      address: options.address, namespace: options.namespace, taskQueue: options.taskQueue,
      maxConcurrentActivityTaskExecutions: options.maxActivities,
    });
  } catch (err) {
    throw new CliError(`cannot start worker against ${options.address}: ${(err as Error).message}`, EXIT.temporal);
  }
  log(`seahorse worker: serving task queue '${options.taskQueue}' on ${options.address} (namespace ${options.namespace}); SIGTERM stops it`);
  try {
    await w.worker.run();
  } finally {
    await w.connection.close();
  }
  log('seahorse worker: stopped');
}
