import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { ShapeZYX } from '@seahorse/io';
import { InferenceRuntimeError } from '../tiling/errors.js';
import { voxelCount } from '../tiling/shape.js';
import { cudaStatus } from './cuda.js';
import { resolveRuntimeOptions, type ResolvedRuntimeOptions, type RuntimeOptions } from './runtime-options.js';
import { WORKER_SOURCE } from './worker-source.js';

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

interface Pending {
  resolve: (value: WorkerReply) => void;
  reject: (err: Error) => void;
}
interface WorkerReply {
  id: number;
  ok: boolean;
  message?: string;
  info?: MemberInfo[];
  output?: Float32Array;
  dims?: number[];
}

/**
 * A worker thread holding one long-lived onnxruntime `InferenceSession` per ensemble member.
 *
 * `session.run` blocks the thread it runs on for seconds to minutes, so it runs here, off the main
 * event loop: timers, I/O and Temporal heartbeats keep flowing while a patch is computed. Members
 * run one at a time (one request in flight per worker), and with the default `memoryArena:
 * 'release'` each run's activations are freed when it ends, so peak memory is one member's pass.
 * The worker is `unref`'d while idle, so a forgotten {@link close} does not keep Node alive.
 *
 * @example
 * const worker = await OnnxSessionWorker.start([{ name: 'm0', path: '/models/m0.onnx' }], { intraOpThreads: 2 });
 * try {
 *   const posteriors = await worker.run(0, patchCZYX, 1, [128, 176, 176]); // [C, 128, 176, 176]
 * } finally { await worker.close(); }
 */
export class OnnxSessionWorker {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: InferenceRuntimeError | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  /** The members' sessions, in load order. */
  members: readonly MemberInfo[] = [];

  private constructor(private readonly worker: Worker, readonly options: ResolvedRuntimeOptions) {
    worker.on('message', (reply: WorkerReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) this.worker.unref();
      p.resolve(reply);
    });
    worker.on('error', (err) => this.fail(new InferenceRuntimeError('WORKER_FAILED', `onnxruntime worker thread failed: ${err.message}`, { cause: err })));
    worker.on('exit', (code) => this.fail(new InferenceRuntimeError('WORKER_CLOSED', `onnxruntime worker thread exited (code ${code})`)));
    worker.unref();
  }

  /**
   * Starts a worker and creates every member's session in it.
   * @param members - ensemble members in manifest order.
   * @param options - see `runtimeOptionsSchema`.
   * @throws InferenceRuntimeError `INVALID_OPTIONS`; `CUDA_UNAVAILABLE` when `executionProvider:
   *   'cuda'` and onnxruntime-node's CUDA library is missing; `SESSION_FAILED` naming the member and
   *   file when a session cannot be created (missing file, invalid ONNX, CUDA runtime errors).
   */
  static async start(members: readonly OnnxMemberSpec[], options: RuntimeOptions = {}): Promise<OnnxSessionWorker> {
    const resolved = resolveRuntimeOptions(options);
    if (members.length === 0) throw new InferenceRuntimeError('INVALID_OPTIONS', 'at least one ensemble member is required, got 0');
    if (resolved.executionProvider === 'cuda') {
      const cuda = cudaStatus();
      if (!cuda.available) throw new InferenceRuntimeError('CUDA_UNAVAILABLE', `executionProvider 'cuda' requested, but CUDA is not available: ${cuda.detail}`);
    }
    const ortPath = createRequire(import.meta.url).resolve('onnxruntime-node');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { ortPath } });
    const w = new OnnxSessionWorker(worker, resolved);
    try {
      const reply = await w.request({ type: 'load', members: members.map((m) => ({ name: m.name, path: m.path })), options: resolved });
      w.members = reply.info ?? [];
    } catch (err) {
      await w.close();
      const e = err as InferenceRuntimeError;
      throw new InferenceRuntimeError('SESSION_FAILED', e.message, { cause: err });
    }
    return w;
  }

  /**
   * Runs member `member` on one `[C, Z, Y, X]` float32 block (x fastest); the network sees
   * `[1, C, Z, Y, X]`. Calls are serialised: one run at a time per worker.
   * @param transferInput - hand `inputCZYX`'s memory to the worker instead of copying it (the
   *   caller's array becomes unusable). Default false.
   * @returns the `[K, Z, Y, X]` posteriors (softmax applied here when `outputKind: 'logits'`).
   * @throws InferenceRuntimeError `MODEL_IO_MISMATCH` when the output is not `[1, K, Z, Y, X]`;
   *   `WORKER_FAILED` with onnxruntime's message when the run fails.
   */
  run(member: number, inputCZYX: Float32Array, channels: number, shapeZYX: ShapeZYX, transferInput = false): Promise<Float32Array> {
    const task = this.queue.then(() => this.runNow(member, inputCZYX, channels, shapeZYX, transferInput));
    this.queue = task.catch(() => undefined);
    return task;
  }

  private async runNow(member: number, inputCZYX: Float32Array, channels: number, shapeZYX: ShapeZYX, transferInput: boolean): Promise<Float32Array> {
    const name = this.members[member]?.name ?? `#${member}`;
    if (inputCZYX.length !== channels * voxelCount(shapeZYX)) {
      throw new InferenceRuntimeError('INVALID_SHAPE', `member ${name}: input has ${inputCZYX.length} values, [${channels}, ${shapeZYX.join(', ')}] needs ${channels * voxelCount(shapeZYX)}`);
    }
    const dims = [1, channels, ...shapeZYX];
    let reply: WorkerReply;
    try {
      reply = await this.request({ type: 'run', member, input: inputCZYX, dims }, transferInput ? [inputCZYX.buffer as ArrayBuffer] : []);
    } catch (err) {
      const e = err as InferenceRuntimeError;
      throw new InferenceRuntimeError(e.code ?? 'WORKER_FAILED', `member ${name}, input [${dims.join(', ')}]: ${e.message}`, { cause: err });
    }
    const out = reply.output!;
    const od = reply.dims ?? [];
    if (od.length !== 5 || od[0] !== 1 || od[2] !== shapeZYX[0] || od[3] !== shapeZYX[1] || od[4] !== shapeZYX[2]) {
      throw new InferenceRuntimeError('MODEL_IO_MISMATCH',
        `member ${name}: output shape [${od.join(', ')}] for input [${dims.join(', ')}]; expected [1, K, ${shapeZYX.join(', ')}]`);
    }
    return out;
  }

  /** Releases every session and stops the thread. Safe to call twice. */
  async close(): Promise<void> {
    if (!this.failure) {
      try { await this.request({ type: 'close' }); } catch { /* the thread is going away anyway */ }
    }
    await this.worker.terminate();
  }

  private request(msg: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<WorkerReply> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<WorkerReply>((resolve, reject) => {
      this.pending.set(id, {
        resolve: (r) => (r.ok ? resolve(r) : reject(new InferenceRuntimeError('WORKER_FAILED', r.message ?? 'unknown worker error'))),
        reject,
      });
      this.worker.ref();
      this.worker.postMessage({ ...msg, id }, transfer);
    });
  }

  private fail(err: InferenceRuntimeError): void {
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
