import { z } from 'zod';
import { InferenceRuntimeError } from '../errors.js';

/** Options of the ONNX runtime (the sessions and the session host process that holds them), validated with zod. */
export const runtimeOptionsSchema = z.object({
  /** onnxruntime intra-op threads per session. Default: onnxruntime's own default (one per physical core). */
  intraOpThreads: z.number().int().positive().optional(),
  /** `'cpu'` (default) or `'cuda'` (opt-in; fails with `CUDA_UNAVAILABLE` when its libraries are missing). */
  executionProvider: z.enum(['cpu', 'cuda']).default('cpu'),
  /** CUDA device index. Default 0. */
  cudaDeviceId: z.number().int().min(0).default(0),
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
 * resolveRuntimeOptions({ intraOpThreads: 2 }).executionProvider // 'cpu'
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
