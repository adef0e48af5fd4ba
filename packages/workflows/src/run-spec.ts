// The input of a cohort evaluation, validated with zod. Pure (no Node built-ins): the workflow
// sandbox imports it to validate its own input.
import { z } from 'zod';

/** Run ids become folder names and workflow ids: a safe, short alphabet only. */
export const RunId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'run id: 1-128 characters of A-Z a-z 0-9 . _ -, starting with a letter or digit');

const AbsolutePath = z.string().min(1).refine((p) => p.startsWith('/'), 'must be an absolute path');

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
  concurrency: z.number().int().min(1).max(256).default(2),
  /** Subjects per page; the workflow continues-as-new between pages when history grows. */
  pageSize: z.number().int().min(1).max(500).default(100),
  /** Recompute subjects even when a valid result exists. */
  force: z.boolean().default(false),
  /** Task queue of the CPU-heavy inference activity (orchestration uses the workflow's own queue). */
  inferenceTaskQueue: z.string().min(1).optional(),
  /** Inference overrides; default: what the model package says. */
  inference: z
    .object({
      tiling: z.enum(['innereye', 'gaussian', 'whole']).optional(),
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
      orchestration: z.number().int().min(1).max(86_400).default(600),
      heartbeat: z.number().int().min(1).max(3_600).default(120),
      inference: z.number().int().min(60).max(7 * 86_400).default(4 * 3_600),
    })
    .strict()
    .default({ orchestration: 600, heartbeat: 120, inference: 4 * 3_600 }),
  /** Retries of transient activity failures (bad input is never retried). */
  maxAttempts: z.number().int().min(1).max(20).default(5),
}).strict();
export type RunSpec = z.infer<typeof RunSpec>;
export type RunSpecInput = z.input<typeof RunSpec>;
