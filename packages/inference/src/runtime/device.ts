import { InferenceRuntimeError } from '../errors.js';

/**
 * The words of the one device switch (`--device`, `RunSpec.device`, the runtime's `device`):
 * `cpu`; `cuda` or `cuda:N` (NVIDIA GPU N, default 0; fails when it cannot be used); `auto` or
 * `auto:N` (GPU N when it works, else the CPU, with a notice either way).
 * `packages/workflows`' RunSpec checks the same pattern (it may not import this package).
 */
export const DEVICE_PATTERN = /^(cpu|auto|cuda)(:\d{1,2})?$/;

/** A device choice as data. */
export type Device =
  | { readonly kind: 'cpu' }
  | { readonly kind: 'cuda' | 'auto'; readonly deviceId: number };

/**
 * Reads a device word (see {@link DEVICE_PATTERN}).
 * @throws InferenceRuntimeError `INVALID_OPTIONS` naming the value.
 * @example
 * parseDevice('cuda:1') // { kind: 'cuda', deviceId: 1 }
 */
export function parseDevice(text: string): Device {
  const m = DEVICE_PATTERN.exec(text);
  if (!m || (m[1] === 'cpu' && m[2])) {
    throw new InferenceRuntimeError('INVALID_OPTIONS', `device: expected cpu, auto[:N] or cuda[:N], got ${JSON.stringify(text)}`);
  }
  if (m[1] === 'cpu') return { kind: 'cpu' };
  return { kind: m[1] as 'cuda' | 'auto', deviceId: m[2] ? Number(m[2].slice(1)) : 0 };
}

/** The word of a device: `cpu`, `cuda:N`, `auto:N`. */
export function formatDevice(device: Device): string {
  return device.kind === 'cpu' ? 'cpu' : `${device.kind}:${device.deviceId}`;
}

/**
 * The device one inference uses, from what the run asks for and what the worker that runs it was
 * started with (`seahorse worker --device`). The run decides whether a GPU may be used (so its
 * results never depend on which worker took the task); a worker started with `cuda:N` decides which
 * GPU (indices are the machine's own), and one started with `cpu` has none to offer.
 * - run absent: the worker's device (default `cpu`);
 * - run `cpu`: `cpu`;
 * - worker absent or `auto`: the run's device;
 * - worker `cuda[:N]`: run `auto`/`cuda` → `cuda:N` (the worker's GPU; failing loudly if it is broken);
 * - worker `cpu`: run `auto` → `cpu`; run `cuda` → `CUDA_UNAVAILABLE`.
 * @throws InferenceRuntimeError `INVALID_OPTIONS` for an invalid word; `CUDA_UNAVAILABLE` for a
 *   `cuda` run on a `cpu` worker.
 * @example
 * chooseDevice('cuda', 'cuda:3') // 'cuda:3'
 */
export function chooseDevice(run: string | undefined, worker: string | undefined): string {
  const w = worker === undefined ? undefined : parseDevice(worker);
  if (run === undefined) return w ? formatDevice(w) : 'cpu';
  const r = parseDevice(run);
  if (r.kind === 'cpu') return 'cpu';
  if (!w || w.kind === 'auto') return formatDevice(r);
  if (w.kind === 'cuda') return formatDevice(w);
  if (r.kind === 'auto') return 'cpu';
  throw new InferenceRuntimeError('CUDA_UNAVAILABLE', `the run asks for device ${run}, but this worker was started with --device cpu`);
}
