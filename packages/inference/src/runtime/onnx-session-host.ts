import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ShapeZYX } from '@seahorse/io';
import { InferenceRuntimeError } from '../errors.js';
import { voxelCount } from '../tiling/shape.js';
import { cudaStatus } from './cuda.js';
import { formatDevice, parseDevice } from './device.js';
import type { AppliedSessionOptions, HostMessage, HostReplies, HostRequestBody, MemberInfo, OnnxMemberSpec } from './host-protocol.js';
import { resolveRuntimeOptions, type ResolvedRuntimeOptions, type RuntimeOptions } from './runtime-options.js';

export type { AppliedSessionOptions, MemberInfo, OnnxMemberSpec, TensorInfo } from './host-protocol.js';

/** Options of {@link OnnxSessionHost.start} besides the runtime options. */
export interface StartHostOptions {
  /** Aborting it while the host starts kills the host and rejects with `CANCELLED`. */
  signal?: AbortSignal;
  /** Told one line about the device when `device` is `auto`: the GPU it uses, or why it fell back to the CPU. */
  onNotice?: (line: string) => void;
}

interface Pending {
  resolve: (reply: HostMessage) => void;
  reject: (err: Error) => void;
}

/** How long a host may take to exit after `close` released its sessions, before it is killed. */
const CLOSE_GRACE_MS = 10_000;

/**
 * Every host still running. A host in the middle of a pass cannot see its IPC channel close until
 * the pass ends, so they are killed when this process exits ('exit' runs on every normal exit,
 * `process.exit()` and uncaught errors); the listener is there only while some host runs.
 */
const liveHosts = new Set<ChildProcess>();
const killLiveHosts = (): void => liveHosts.forEach((child) => child.kill('SIGKILL'));

function track(child: ChildProcess): void {
  if (liveHosts.size === 0) process.on('exit', killLiveHosts);
  liveHosts.add(child);
}

function untrack(child: ChildProcess): void {
  if (liveHosts.delete(child) && liveHosts.size === 0) process.off('exit', killLiveHosts);
}

/**
 * The file to fork and how: the compiled `session-host.js` next to this module when it runs from
 * `dist/`, or the `session-host.ts` source with tsx's loader when it runs from TypeScript sources
 * (vitest, tsx). tsx is resolved from this package, not from the working directory.
 */
function hostEntry(): { file: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  const fromSource = here.endsWith('.ts');
  const file = path.join(path.dirname(here), fromSource ? 'session-host.ts' : 'session-host.js');
  if (!fromSource) return { file, execArgv: [] };
  let tsx: string;
  try {
    tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  } catch (err) {
    throw new InferenceRuntimeError('WORKER_FAILED',
      `@seahorse/inference runs from its TypeScript sources, so its session host needs tsx, which cannot be resolved: ${(err as Error).message}; install tsx or build the package`);
  }
  return { file, execArgv: ['--import', tsx] };
}

function cancelledError(what: string, reason: unknown): InferenceRuntimeError {
  const why = reason instanceof Error ? reason.message : reason === undefined ? '' : String(reason);
  return new InferenceRuntimeError('CANCELLED', `${what}: cancelled${why ? ` (${why})` : ''}`);
}

/**
 * A child process (the session host, `session-host.ts`) holding one long-lived onnxruntime
 * `InferenceSession` per ensemble member.
 *
 * `session.run` computes synchronously for seconds to minutes, so it runs in another process: the
 * event loop here stays free (timers, I/O, Temporal heartbeats), and {@link cancel} stops a pass at
 * once by killing the process (SIGKILL), which no in-process mechanism can. Tensors cross the IPC
 * channel as bytes (`serialization: 'advanced'`; measured about 250 ms per 63 MB round trip under
 * load, against about 12 s per full-size patch).
 *
 * Members run one at a time (one request in flight per host), and with the default `memoryArena:
 * 'release'` each run's activations are freed when it ends, so peak memory is one member's pass.
 * The host is unreferenced while idle, so a forgotten {@link close} does not keep Node alive; it
 * exits when this process exits or disconnects.
 *
 * @example
 * const host = await OnnxSessionHost.start([{ name: 'm0', path: '/models/m0.onnx' }], { intraOpThreads: 2 });
 * try {
 *   const posteriors = await host.run(0, patchCZYX, 1, [128, 176, 176]); // [C, 128, 176, 176]
 * } finally { await host.close(); }
 */
export class OnnxSessionHost {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: InferenceRuntimeError | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private exited = false;
  private readonly exit: Promise<void>;
  private readonly ready: Promise<void>;
  /** The members' sessions, in load order. */
  members: readonly MemberInfo[] = [];
  /** The session options the host gave onnxruntime (known once started). */
  sessionOptions: AppliedSessionOptions | undefined;
  /** With `device: 'auto'`: the line that says which device it chose and why. */
  notice: string | undefined;

  private constructor(private readonly child: ChildProcess, readonly options: ResolvedRuntimeOptions) {
    track(child);
    let readyResolve!: () => void;
    let readyReject!: (err: Error) => void;
    this.ready = new Promise<void>((resolve, reject) => { readyResolve = resolve; readyReject = reject; });
    this.ready.catch(() => undefined);
    this.exit = new Promise<void>((resolve) => {
      child.on('exit', (code, signal) => {
        this.exited = true;
        untrack(child);
        const how = signal ? `signal ${signal}` : `code ${code}`;
        const busy = this.pending.size > 0;
        const err = new InferenceRuntimeError(busy ? 'WORKER_FAILED' : 'WORKER_CLOSED',
          `onnxruntime session host (pid ${child.pid}) exited (${how})${busy ? ' during a request (out of memory?)' : ''}`);
        readyReject(err);
        this.fail(err);
        resolve();
      });
    });
    child.on('error', (err) => {
      const e = new InferenceRuntimeError('WORKER_FAILED', `onnxruntime session host failed: ${err.message}`, { cause: err });
      readyReject(e);
      this.fail(e);
    });
    child.on('message', (message) => {
      const m = message as HostMessage;
      if (m.type === 'ready') { readyResolve(); return; }
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) this.setReferenced(false);
      p.resolve(m);
    });
  }

  /**
   * Starts a session host and creates every member's session in it.
   * @param members - ensemble members in manifest order.
   * @param options - see `runtimeOptionsSchema`.
   * @param start - `signal`: abort to stop starting (the host is killed).
   * @throws InferenceRuntimeError `INVALID_OPTIONS`; `CUDA_UNAVAILABLE` (one line naming what is
   *   missing: the provider, a library, the driver or the device) when `device` is `cuda[:N]` and the
   *   CUDA provider cannot start (`auto` falls back to the CPU instead, telling `onNotice`); `SESSION_FAILED` naming the member and
   *   file when a session cannot be created (missing file, invalid ONNX, CUDA runtime errors) or the
   *   host cannot start; `CANCELLED` when `signal` aborts.
   */
  static async start(members: readonly OnnxMemberSpec[], options: RuntimeOptions = {}, start: StartHostOptions = {}): Promise<OnnxSessionHost> {
    const resolved = resolveRuntimeOptions(options);
    if (members.length === 0) throw new InferenceRuntimeError('INVALID_OPTIONS', 'at least one ensemble member is required, got 0');
    const device = parseDevice(resolved.device);
    if (device.kind !== 'auto') return await OnnxSessionHost.startOn(members, { ...resolved, device: formatDevice(device) }, start);
    // auto: the GPU when its provider starts, else the CPU; one line says which.
    const gpu = `cuda:${device.deviceId}`;
    let why: string;
    try {
      const host = await OnnxSessionHost.startOn(members, { ...resolved, device: gpu }, start);
      host.notice = `device ${resolved.device}: using CUDA device ${device.deviceId} (onnxruntime's CUDA provider)`;
      start.onNotice?.(host.notice);
      return host;
    } catch (err) {
      if (!(err instanceof InferenceRuntimeError) || err.code !== 'CUDA_UNAVAILABLE') throw err;
      why = err.message.replace(`device ${gpu}: `, '');
    }
    const host = await OnnxSessionHost.startOn(members, { ...resolved, device: 'cpu' }, start);
    host.notice = `device ${resolved.device}: CUDA is not usable, using the CPU (${why})`;
    start.onNotice?.(host.notice);
    return host;
  }

  /** Starts a host on one concrete device (`cpu` or `cuda:N`). */
  private static async startOn(members: readonly OnnxMemberSpec[], resolved: ResolvedRuntimeOptions, start: StartHostOptions): Promise<OnnxSessionHost> {
    if (resolved.device !== 'cpu') {
      const cuda = cudaStatus();
      if (!cuda.available) throw new InferenceRuntimeError('CUDA_UNAVAILABLE', `device ${resolved.device}: ${cuda.detail}`);
    }
    const { signal } = start;
    if (signal?.aborted) throw cancelledError('starting the onnxruntime session host', signal.reason);
    const entry = hostEntry();
    const child = fork(entry.file, [], { execArgv: entry.execArgv, serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const host = new OnnxSessionHost(child, resolved);
    const onAbort = () => void host.cancel(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      host.setReferenced(true);
      await host.ready;
      const reply = await host.request({ type: 'load', members: members.map((m) => ({ name: m.name, path: m.path })), options: resolved });
      host.members = reply.members;
      host.sessionOptions = reply.sessionOptions;
    } catch (err) {
      await host.cancel();
      if (signal?.aborted) throw cancelledError('starting the onnxruntime session host', signal.reason);
      if (err instanceof InferenceRuntimeError && err.code === 'CUDA_UNAVAILABLE') {
        throw new InferenceRuntimeError('CUDA_UNAVAILABLE', `device ${resolved.device}: ${err.message}`, { cause: err });
      }
      throw new InferenceRuntimeError('SESSION_FAILED', (err as Error).message, { cause: err });
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    host.setReferenced(false);
    return host;
  }

  /** The host's process id while it runs; `undefined` once it has exited. */
  get pid(): number | undefined {
    return this.exited ? undefined : this.child.pid;
  }

  /** Whether the host can take requests: started, not closed, cancelled or crashed. */
  get alive(): boolean {
    return !this.exited && this.failure === undefined;
  }

  /**
   * Runs member `member` on one `[C, Z, Y, X]` float32 block (x fastest); the network sees
   * `[1, C, Z, Y, X]`. Calls are serialised: one run at a time per host.
   * @returns the `[K, Z, Y, X]` posteriors (softmax applied in the host when `outputKind: 'logits'`).
   * @throws InferenceRuntimeError `INVALID_SHAPE` when the input does not fit `[channels, ...shapeZYX]`;
   *   `MODEL_IO_MISMATCH` when the output is not `[1, K, Z, Y, X]`; `WORKER_FAILED` with onnxruntime's
   *   message when the run fails; `CANCELLED` after {@link cancel}.
   */
  run(member: number, inputCZYX: Float32Array, channels: number, shapeZYX: ShapeZYX): Promise<Float32Array> {
    const task = this.queue.then(() => this.runNow(member, inputCZYX, channels, shapeZYX));
    this.queue = task.catch(() => undefined);
    return task;
  }

  private async runNow(member: number, inputCZYX: Float32Array, channels: number, shapeZYX: ShapeZYX): Promise<Float32Array> {
    const name = this.members[member]?.name ?? `#${member}`;
    if (inputCZYX.length !== channels * voxelCount(shapeZYX)) {
      throw new InferenceRuntimeError('INVALID_SHAPE', `member ${name}: input has ${inputCZYX.length} values, [${channels}, ${shapeZYX.join(', ')}] needs ${channels * voxelCount(shapeZYX)}`);
    }
    const dims = [1, channels, ...shapeZYX];
    let reply: HostReplies['run'];
    try {
      reply = await this.request({ type: 'run', member, input: inputCZYX, dims });
    } catch (err) {
      const e = err as InferenceRuntimeError;
      throw new InferenceRuntimeError(e.code ?? 'WORKER_FAILED', `member ${name}, input [${dims.join(', ')}]: ${e.message}`, { cause: err });
    }
    const od = reply.dims;
    if (od.length !== 5 || od[0] !== 1 || od[2] !== shapeZYX[0] || od[3] !== shapeZYX[1] || od[4] !== shapeZYX[2]) {
      throw new InferenceRuntimeError('MODEL_IO_MISMATCH',
        `member ${name}: output shape [${od.join(', ')}] for input [${dims.join(', ')}]; expected [1, K, ${shapeZYX.join(', ')}]`);
    }
    return reply.output;
  }

  /** The host process's peak resident memory so far, in bytes (its own, not this process's). */
  async maxRssBytes(): Promise<number> {
    return (await this.request({ type: 'usage' })).maxRssBytes;
  }

  /**
   * Stops the host at once (SIGKILL), whatever it is computing. Every pending and later request
   * rejects with `CANCELLED`; the promise resolves once the process has exited, so its pid is gone.
   * Safe to call twice, and after {@link close}.
   */
  async cancel(reason?: unknown): Promise<void> {
    if (this.exited) return;
    this.failure ??= cancelledError(`onnxruntime session host (pid ${this.child.pid})`, reason);
    // Referenced until it has exited: an idle (unreferenced) host would let this process end
    // before the exit is seen, leaving whoever awaits this promise unsettled.
    this.setReferenced(true);
    this.child.kill('SIGKILL');
    await this.exit;
    this.fail(this.failure);
  }

  /** Releases every session and ends the host (killed if it does not exit in time). Safe to call twice. */
  async close(): Promise<void> {
    if (this.exited) return;
    if (this.failure === undefined) {
      try { await this.request({ type: 'close' }); } catch { /* the host is going away anyway */ }
      this.failure = new InferenceRuntimeError('WORKER_CLOSED', `onnxruntime session host (pid ${this.child.pid}) is closed`);
    }
    this.setReferenced(true);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), CLOSE_GRACE_MS);
    await this.exit;
    clearTimeout(timer);
  }

  private request<T extends HostRequestBody>(body: T): Promise<HostReplies[T['type']]> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<HostReplies[T['type']]>((resolve, reject) => {
      this.pending.set(id, {
        resolve: (m) => (m.type === 'failed'
          ? reject(new InferenceRuntimeError(m.code ?? 'WORKER_FAILED', m.message))
          : resolve(m as HostReplies[T['type']])),
        reject,
      });
      this.setReferenced(true);
      this.child.send({ ...body, id }, (err) => {
        if (err) this.settle(id, new InferenceRuntimeError('WORKER_FAILED', `cannot send a request to the onnxruntime session host: ${err.message}`, { cause: err }));
      });
    });
  }

  private settle(id: number, err: InferenceRuntimeError): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    p.reject(err);
  }

  /** While a request is pending the host and its channel keep this process alive; idle, they do not. */
  private setReferenced(referenced: boolean): void {
    if (this.exited) return;
    if (referenced) { this.child.ref(); this.child.channel?.ref(); } else { this.child.unref(); this.child.channel?.unref(); }
  }

  /** The first failure wins (a cancelled host's requests reject with `CANCELLED`, not with its exit). */
  private fail(err: InferenceRuntimeError): void {
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(this.failure);
    this.pending.clear();
  }
}
