import { z } from 'zod';
import { InferenceRuntimeError } from '../errors.js';
import { DEVICE_PATTERN } from './device.js';

/** Options of the ONNX runtime (the sessions and the session host process that holds them), validated with zod. */
export const runtimeOptionsSchema = z.object({
  /** onnxruntime intra-op threads per session. Default: onnxruntime's own default (one per physical core). */
  intraOpThreads: z.number().int().positive().optional(),
  /**
   * Where the sessions run: `'cpu'` (default); `'cuda'` / `'cuda:N'` (NVIDIA GPU N through
   * onnxruntime's CUDA provider; fails with `CUDA_UNAVAILABLE` naming what is missing);
   * `'auto'` / `'auto:N'` (GPU N when it works, else the CPU, with a notice). See `device.ts`.
   */
  device: z.string().regex(DEVICE_PATTERN, 'expected cpu, auto[:N] or cuda[:N]').default('cpu'),
  /**
   * onnxruntime's CPU memory arena. `'release'` (default): arena off, so each run's activations go
   * back to the system when it ends and only one member's pass is resident at a time. `'keep'`:
   * arena on (faster repeated runs, but each session keeps its peak, ~5 GB for the full-size net).
   */
  memoryArena: z.enum(['release', 'keep']).default('release'),
  /** Graph optimisation level. Default `'all'`. */
  graphOptimizationLevel: z.enum(['disabled', 'basic', 'extended', 'all']).default('all'),
  /** What the model's output holds: `'probabilities'` (softmax inside the graph, default) or `'logits'` (softmax applied here, over channels). */
  outputKind: z.enum(['probabilities', 'logits']).default('probabilities'),
  /** Input tensor name. Default: the model's first input. */
  inputName: z.string().min(1).optional(),
  /** Output tensor name. Default: the model's first output. */
  outputName: z.string().min(1).optional(),
});

/** Input form of the runtime options (all optional). */
export type RuntimeOptions = z.input<typeof runtimeOptionsSchema>;
/** Runtime options with defaults filled in. */
export type ResolvedRuntimeOptions = z.output<typeof runtimeOptionsSchema>;

/**
 * Validates runtime options and fills in defaults.
 * @throws InferenceRuntimeError `INVALID_OPTIONS` naming the field and value.
 * @example
 * resolveRuntimeOptions({ intraOpThreads: 2 }).device // 'cpu'
 */
export function resolveRuntimeOptions(options: RuntimeOptions = {}): ResolvedRuntimeOptions {
  const r = runtimeOptionsSchema.safeParse(options);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const key = String(issue.path[0] ?? '');
    const value = (options as Record<string, unknown>)[key];
    throw new InferenceRuntimeError('INVALID_OPTIONS', `runtime option '${issue.path.join('.')}': ${issue.message} (got ${JSON.stringify(value)})`);
  }
  return r.data;
}
