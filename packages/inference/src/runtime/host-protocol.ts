/**
 * The messages between {@link OnnxSessionHost} (the parent) and the session host process
 * (`session-host.ts`), which owns the onnxruntime sessions.
 *
 * They travel over the IPC channel of `child_process.fork` with `serialization: 'advanced'`
 * (the structured clone algorithm), so a `Float32Array` crosses as its bytes, not as JSON. The
 * parent sends one request at a time and waits for its reply; every reply carries the request's
 * `id`. Any failure answers `{ type: 'failed', id, message }` (with `code: 'CUDA_UNAVAILABLE'`
 * when the CUDA provider cannot start: no driver or device, a missing library).
 *
 * - `ready` (host → parent, once, unrequested): the host is listening.
 * - `load` → `loaded`: one session per member, in order; the reply describes each member's inputs
 *   and outputs and the session options onnxruntime was given.
 * - `run` → `output`: member `member` on `input` (`dims` = `[1, C, Z, Y, X]`); the output is
 *   float32 (softmax applied in the host for `outputKind: 'logits'`).
 * - `usage` → `usage`: the host's peak resident memory so far.
 * - `close` → `closed`: every session released; the host then disconnects and exits.
 */

import type { ResolvedRuntimeOptions } from './runtime-options.js';

/** One ensemble member to load: a display name and the absolute path of its `.onnx` file. */
export interface OnnxMemberSpec {
  readonly name: string;
  readonly path: string;
}

/** A model input or output as onnxruntime reports it (`shape` entries are numbers or symbolic names). */
export interface TensorInfo {
  readonly name: string;
  readonly shape: readonly (number | string)[] | null;
  readonly type: string | null;
}

/** What a loaded member's session reports. */
export interface MemberInfo {
  readonly name: string;
  readonly path: string;
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
}

/** The `InferenceSession.SessionOptions` the host created every session with. */
export interface AppliedSessionOptions {
  /** Absent: onnxruntime's default (one thread per physical core). */
  readonly intraOpNumThreads?: number;
  readonly interOpNumThreads: number;
  readonly executionMode: 'sequential';
  readonly graphOptimizationLevel: ResolvedRuntimeOptions['graphOptimizationLevel'];
  readonly enableCpuMemArena: boolean;
  readonly enableMemPattern: boolean;
  /** `['cpu']`, or `['cuda:<deviceId>']`. */
  readonly executionProviders: readonly string[];
}

/** A request from the parent. */
export type HostRequest =
  | { readonly type: 'load'; readonly id: number; readonly members: readonly OnnxMemberSpec[]; readonly options: ResolvedRuntimeOptions }
  | { readonly type: 'run'; readonly id: number; readonly member: number; readonly input: Float32Array; readonly dims: readonly number[] }
  | { readonly type: 'usage'; readonly id: number }
  | { readonly type: 'close'; readonly id: number };

/** A message from the host. */
export type HostMessage =
  | { readonly type: 'ready'; readonly pid: number }
  | { readonly type: 'loaded'; readonly id: number; readonly members: readonly MemberInfo[]; readonly sessionOptions: AppliedSessionOptions }
  | { readonly type: 'output'; readonly id: number; readonly output: Float32Array; readonly dims: readonly number[] }
  | { readonly type: 'usage'; readonly id: number; readonly maxRssBytes: number }
  | { readonly type: 'closed'; readonly id: number }
  | { readonly type: 'failed'; readonly id: number; readonly message: string; readonly code?: 'CUDA_UNAVAILABLE' };

/** The reply types, by request type. */
export interface HostReplies {
  load: Extract<HostMessage, { type: 'loaded' }>;
  run: Extract<HostMessage, { type: 'output' }>;
  usage: Extract<HostMessage, { type: 'usage' }>;
  close: Extract<HostMessage, { type: 'closed' }>;
}

/** A request without its `id` (the parent numbers them). */
export type HostRequestBody = HostRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;
