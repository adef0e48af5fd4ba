import { z } from 'zod';
import { assertRunRootVisible, createCohortActivities, DEFAULT_TASK_QUEUE, DeviceWord, inferenceTaskQueueOf } from '@seahorse/workflows';
import { createSeahorseWorker } from '../seahorse-worker.js';
import { createComputeDeps } from '../compute-deps.js';
import { TemporalTargetOptions } from './temporal-target.js';
import { CliError, EXIT } from './cli-error.js';
import { checkDevice, printDeviceNotice } from './device-check.js';

/** What a `seahorse worker` serves unless told otherwise: both default queues, two activities at once. */
export const WORKER_DEFAULTS = {
  taskQueues: [DEFAULT_TASK_QUEUE, inferenceTaskQueueOf(DEFAULT_TASK_QUEUE)],
  maxActivities: 2,
} as const;

export const WorkerOptions = TemporalTargetOptions.extend({
  address: z.string().regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port'),
  /** One or more task queues, comma-separated (e.g. `seahorse,seahorse-inference`). */
  taskQueue: z.string().min(1).default(WORKER_DEFAULTS.taskQueues.join(','))
    .transform((v) => [...new Set(v.split(',').map((q) => q.trim()).filter(Boolean))]),
  maxActivities: z.coerce.number().int().min(1).max(64).default(WORKER_DEFAULTS.maxActivities),
  threads: z.coerce.number().int().min(1).max(64).optional(),
  /**
   * This worker's device. `cuda:N`: GPU N serves every run that asks for a GPU (`--device auto` or
   * `cuda` on evaluate); several workers on one machine take different N. `cpu`: no GPU is offered.
   * Absent: the run's device decides.
   */
  device: DeviceWord.optional(),
  /** The shared folder run folders live under; checked at start (readable and writable here). */
  runRoot: z.string().min(1).optional(),
});

/**
 * `seahorse worker`: a long-running worker process against an existing Temporal cluster. It serves
 * the workflows and every activity on its task queue; start some workers on the queue named by
 * `evaluate --inference-task-queue` to run the CPU-heavy inference on their own machines.
 * It stops gracefully on SIGINT/SIGTERM: in-flight activities finish or are cancelled, then it exits.
 */
export async function workerCommand(raw: unknown, log: (line: string) => void = console.log): Promise<void> {
  const options = WorkerOptions.parse(raw);
  if (options.runRoot) {
    try {
      assertRunRootVisible(options.runRoot);
    } catch (err) {
      throw new CliError((err as Error).message, EXIT.usage);
    }
  }
  // A GPU worker checks its GPU before it takes any task: a broken one stops here, in one line (exit 3).
  const device = options.device === undefined ? undefined : await checkDevice(options.device);
  const deps = createComputeDeps({
    ...(options.threads ? { threads: options.threads } : {}),
    ...(options.device !== undefined ? { device: options.device } : {}),
    onNotice: printDeviceNotice,
  });
  const workers = [];
  try {
    for (const taskQueue of options.taskQueue) {
      workers.push(await createSeahorseWorker({
        address: options.address, namespace: options.namespace, taskQueue,
        maxConcurrentActivityTaskExecutions: options.maxActivities,
        activities: createCohortActivities(deps),
      }));
    }
  } catch (err) {
    for (const w of workers) await w.connection.close();
    await deps.close();
    throw new CliError(`cannot start worker against ${options.address}: ${(err as Error).message}`, EXIT.temporal);
  }
  log(`seahorse worker: serving task queue(s) ${options.taskQueue.map((q) => `'${q}'`).join(', ')} on ${options.address} (namespace ${options.namespace}, ${options.maxActivities} activities at once${device ? `, device ${device}` : ''}); SIGTERM stops it`);
  try {
    // Each worker drains on SIGINT/SIGTERM (the Temporal runtime's shutdown signals).
    await Promise.all(workers.map((w) => w.worker.run()));
  } finally {
    for (const w of workers) await w.connection.close();
    await deps.close();
  }
  log('seahorse worker: stopped');
}
