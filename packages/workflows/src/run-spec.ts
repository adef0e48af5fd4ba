// The input of a cohort evaluation, validated with zod. Pure (no Node built-ins): the workflow
// sandbox imports it to validate its own input.
import { z } from 'zod';

/** Run ids become folder names and workflow ids: a safe, short alphabet only. */
export const RunId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'run id: 1-128 characters of A-Z a-z 0-9 . _ -, starting with a letter or digit');

const AbsolutePath = z.string().min(1).refine((p) => p.startsWith('/'), 'must be an absolute path');

/**
 * The defaults of a run, stated once: the RunSpec schema applies them and the CLI's help prints
 * them. Timeouts are in seconds.
 */
export const RUN_DEFAULTS = {
  concurrency: 1,
  pageSize: 100,
  maxAttempts: 5,
  device: 'cpu',
  timeouts: { orchestration: 600, heartbeat: 120, inference: 4 * 3_600 },
} as const;

/** The task queue workers serve unless told otherwise. */
export const DEFAULT_TASK_QUEUE = 'seahorse';

/** The task queue of the inference activity that goes with an orchestration queue: `<queue>-inference`. */
export function inferenceTaskQueueOf(taskQueue: string): string {
  return `${taskQueue}-inference`;
}

/**
 * The words of the device switch: `cpu`, `auto[:N]` (the GPU when it works, else the CPU, with a
 * notice), `cuda[:N]` (the GPU or a clear failure). The same pattern as `@seahorse/inference`'s
 * `DEVICE_PATTERN` (this package may not import it; apps/worker's tests check both agree).
 */
export const DEVICE_WORDS = /^(cpu|auto|cuda)(:\d{1,2})?$/;
export const DeviceWord = z.string().regex(DEVICE_WORDS, 'expected cpu, auto[:N] or cuda[:N]').refine((d) => !d.startsWith('cpu:'), 'cpu takes no index');

/** What to evaluate, where to write it, and how. Every path is absolute. */
export const RunSpec = z.object({
  runId: RunId,
  /** InnerEye `dataset.csv` or MSD `dataset.json`. */
  dataset: AbsolutePath,
  /** Model package folder (holds `model.json`). */
  model: AbsolutePath,
  /** Output folder: `subjects/<id>/…`, reports, `run.json`. */
  out: AbsolutePath,
  /** Subjects evaluated at once. */
  concurrency: z.number().int().min(1).max(256).default(RUN_DEFAULTS.concurrency),
  /** Subjects per page; the workflow continues-as-new between pages when history grows. */
  pageSize: z.number().int().min(1).max(500).default(RUN_DEFAULTS.pageSize),
  /** Recompute subjects even when a valid result exists. */
  force: z.boolean().default(false),
  /**
   * Where inference runs. The run decides whether a GPU may be used; a worker started with
   * `--device cuda:N` decides which GPU (see `chooseDevice` in `@seahorse/inference`). Not part of
   * the subjects' idempotency keys: a result is reused whichever device made it.
   */
  device: DeviceWord.default(RUN_DEFAULTS.device),
  /** Task queue of the CPU-heavy inference activity (orchestration uses the workflow's own queue). */
  inferenceTaskQueue: z.string().min(1).optional(),
  /**
   * Inference overrides; default: what the model package says. The tiling mode is checked against
   * the model package's vocabulary by the compute when the run is planned (the workflow sandbox
   * does not load compute packages).
   */
  inference: z
    .object({
      tiling: z.string().min(1).optional(),
      threads: z.number().int().min(1).max(64).optional(),
    })
    .strict()
    .default({}),
  /**
   * Activity timeouts, in seconds. A crashed worker is noticed after `heartbeat` seconds during
   * inference, and after `orchestration` seconds during the short per-subject steps.
   */
  timeouts: z
    .object({
      orchestration: z.number().int().min(1).max(86_400).default(RUN_DEFAULTS.timeouts.orchestration),
      heartbeat: z.number().int().min(1).max(3_600).default(RUN_DEFAULTS.timeouts.heartbeat),
      inference: z.number().int().min(60).max(7 * 86_400).default(RUN_DEFAULTS.timeouts.inference),
    })
    .strict()
    .default({ ...RUN_DEFAULTS.timeouts }),
  /** Retries of transient activity failures (bad input is never retried). */
  maxAttempts: z.number().int().min(1).max(20).default(RUN_DEFAULTS.maxAttempts),
}).strict();
export type RunSpec = z.infer<typeof RunSpec>;
export type RunSpecInput = z.input<typeof RunSpec>;
