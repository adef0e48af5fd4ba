import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  cohortWorkflowId, createCohortActivities, DEFAULT_TASK_QUEUE, inferenceTaskQueueOf, progressQuery, RunAlreadyCompletedError,
  DeviceWord, RunFolder, RunFolderError, RunSpec, startCohortEvaluation, type CohortDeps, type CohortEvaluationResult, type CohortProgress, type StartMode,
} from '@seahorse/workflows';
import type { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { z } from 'zod';
import { createSeahorseWorker } from '../seahorse-worker.js';
import { CliError, EXIT } from './cli-error.js';
import { checkDevice } from './device-check.js';
import { createProgressDisplay } from './progress-display.js';
import { saveRunRecord } from './run-registry.js';
import { openTemporalTarget, TemporalTargetOptions, type TemporalTarget } from './temporal-target.js';
import { TILING_MODES } from './tiling-modes.js';

/** `seahorse evaluate`'s options. Run settings left out get the RunSpec's defaults (RUN_DEFAULTS). */
export const EvaluateOptions = TemporalTargetOptions.extend({
  dataset: z.string().min(1),
  model: z.string().min(1),
  out: z.string().min(1),
  runId: z.string().optional(),
  concurrency: z.coerce.number().int().min(1).max(256).optional(),
  tiling: z.enum(TILING_MODES).optional(),
  threads: z.coerce.number().int().min(1).max(64).optional(),
  device: DeviceWord.optional(),
  force: z.boolean().default(false),
  taskQueue: z.string().min(1).default(DEFAULT_TASK_QUEUE),
  inferenceTaskQueue: z.string().min(1).optional(),
  /** With --address: also run a worker in this process (default: rely on `seahorse worker` processes). */
  localWorker: z.boolean().default(false),
});
export type EvaluateOptions = z.input<typeof EvaluateOptions>;

/** The default run id: the output folder's name, made safe. */
export function defaultRunId(out: string): string {
  const base = path.basename(path.resolve(out)).replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return base.length > 0 ? base.slice(0, 128) : 'run';
}

function mustExist(p: string, what: string, kind: 'file' | 'dir'): string {
  const abs = path.resolve(p);
  if (!existsSync(abs)) throw new CliError(`${what} not found: ${abs}`);
  const isDir = statSync(abs).isDirectory();
  if (kind === 'dir' && !isDir) throw new CliError(`${what} must be a folder: ${abs}`);
  if (kind === 'file' && isDir) throw new CliError(`${what} must be a file: ${abs}`);
  return abs;
}

/** Everything evaluate, resume and the demo share: run a spec to completion with a live display. */
export async function runToCompletion(args: {
  target: TemporalTarget; spec: RunSpec; taskQueue: string; mode: StartMode; deps: () => CohortDeps & { close?: () => Promise<void> };
  localWorker: boolean; log: (line: string) => void;
}): Promise<CohortEvaluationResult> {
  const { target, spec, taskQueue, mode, log } = args;
  saveRunRecord({ runId: spec.runId, out: spec.out, address: target.embedded ? undefined : target.address, namespace: target.namespace, taskQueue });
  let handle;
  try {
    handle = await startCohortEvaluation(target.client, spec, { taskQueue, mode });
  } catch (err) {
    if (err instanceof RunAlreadyCompletedError) throw new CliError(`${err.message}, or 'seahorse resume ${spec.runId}' to retry its failed subjects`, EXIT.usage);
    throw err;
  }
  log(`run ${spec.runId}: workflow ${handle.workflowId}${target.embedded?.uiUrl ? ` (Web UI ${target.embedded.uiUrl}/namespaces/${target.namespace}/workflows/${handle.workflowId})` : ''}`);
  const deps = args.localWorker ? args.deps() : undefined;
  // The in-process worker serves both queues: orchestration and (when separate) inference.
  const queues = [...new Set([taskQueue, spec.inferenceTaskQueue ?? taskQueue])];
  const locals = deps
    ? await Promise.all(queues.map((q) => createSeahorseWorker({
      address: target.address, namespace: target.namespace, taskQueue: q,
      activities: createCohortActivities(deps), maxConcurrentActivityTaskExecutions: spec.concurrency + 1,
    })))
    : [];
  const display = createProgressDisplay();
  const poller = pollProgress(target.client, spec.runId, (p) => display.update(p));
  try {
    // The poller stops (its last query answered) before the workers shut down and the connection
    // closes: a query still being retried on a closed connection would throw from a timer.
    const follow = target.client.workflow.getHandle(cohortWorkflowId(spec.runId)).result()
      .finally(() => poller.stop());
    const result = await runWorkersUntil(locals.map((l) => l.worker), follow);
    display.update({ runId: spec.runId, ...result.counts, running: 0, remaining: 0, paused: false, phase: 'finished', etaSeconds: 0, continuedAsNew: result.continuedAsNew });
    return result;
  } finally {
    await poller.stop();
    display.stop();
    for (const l of locals) await l.connection.close();
    await deps?.close?.();
  }
}

/**
 * Queries a run's progress once a second, one query at a time. `stop()` ends the polling and
 * resolves once no query is in flight any more.
 */
export function pollProgress(client: Client, runId: string, onProgress: (p: CohortProgress) => void, everyMs = 1000): { stop(): Promise<void> } {
  let inFlight: Promise<void> | undefined;
  let stopped = false;
  const tick = (): void => {
    if (stopped || inFlight) return;
    inFlight = client.workflow.getHandle(cohortWorkflowId(runId)).query(progressQuery)
      .then((p) => { if (!stopped) onProgress(p); }, () => undefined)
      .finally(() => { inFlight = undefined; });
  };
  const timer = setInterval(tick, everyMs);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await inFlight;
    },
  };
}

/** Runs the workers until `until` settles, then shuts them down; resolves or rejects as `until`. */
async function runWorkersUntil<T>(workers: Worker[], until: Promise<T>): Promise<T> {
  if (workers.length === 0) return await until;
  const [first, ...rest] = workers;
  const others = rest.map((w) => w.run());
  try {
    return await first!.runUntil(until);
  } finally {
    for (const w of rest) if (w.getState() === 'RUNNING') w.shutdown();
    await Promise.allSettled(others);
  }
}

/** Prints what a finished run produced. */
export function printRunSummary(result: CohortEvaluationResult, log: (line: string) => void, uiUrl?: string): void {
  const { counts, report } = result;
  log('');
  log(report.markdown.trim());
  log('');
  log(`subjects: ${counts.total} (evaluated ${counts.done}, already done ${counts.cached}, failed ${counts.failed})`);
  log(`report:   ${report.reportHtml}`);
  log(`tables:   ${report.metricsCsv}, ${report.aggregatesCsv}`);
  if (report.plots.length > 0) log(`plots:    ${report.plots.join(', ')}`);
  if (uiUrl) log(`Temporal Web UI: ${uiUrl} (while this command runs)`);
}

/**
 * `seahorse evaluate`: a durable cohort evaluation. Without --address it starts the embedded dev
 * server (SQLite under `<out>/.temporal/`) and an in-process worker.
 */
export async function evaluateCommand(raw: unknown, makeDeps: () => CohortDeps & { close?: () => Promise<void> }, log: (l: string) => void = console.log): Promise<CohortEvaluationResult> {
  const o = EvaluateOptions.parse(raw);
  const out = path.resolve(o.out);
  const spec = RunSpec.parse({
    runId: o.runId ?? defaultRunId(out),
    dataset: mustExist(o.dataset, 'dataset manifest', 'file'),
    model: mustExist(o.model, 'model package', 'dir'),
    out, force: o.force,
    ...(o.concurrency !== undefined ? { concurrency: o.concurrency } : {}),
    ...(o.device !== undefined ? { device: o.device } : {}),
    inferenceTaskQueue: o.inferenceTaskQueue ?? inferenceTaskQueueOf(o.taskQueue),
    inference: { ...(o.tiling ? { tiling: o.tiling } : {}), ...(o.threads ? { threads: o.threads } : {}) },
  });
  const localWorker = !o.address || o.localWorker;
  // The in-process worker's device is checked before the run starts (remote workers check their own).
  if (localWorker) await checkDevice(spec.device);
  const target = await openTemporalTarget(o, path.join(out, '.temporal'));
  try {
    const result = await runToCompletion({ target, spec, taskQueue: o.taskQueue, mode: 'evaluate', deps: makeDeps, localWorker: !!target.embedded || o.localWorker, log });
    printRunSummary(result, log, target.embedded?.uiUrl);
    return result;
  } finally {
    await target.close();
  }
}

/**
 * A run's specification, from its folder's `run.json`.
 * @throws CliError naming the file and the field when it is missing or invalid.
 */
export function readRunSpec(out: string): RunSpec {
  try {
    return new RunFolder(out).readSpec();
  } catch (err) {
    if (err instanceof RunFolderError) throw new CliError(err.message);
    throw err;
  }
}

export type { Client };
