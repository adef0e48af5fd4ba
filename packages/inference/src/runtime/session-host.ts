/**
 * The session host: a child process (started by {@link OnnxSessionHost} with `child_process.fork`)
 * that owns one long-lived onnxruntime-node `InferenceSession` per ensemble member and runs them,
 * one request at a time, on the messages of `host-protocol.ts`.
 *
 * Why a process and not a worker thread: onnxruntime-node's `session.run` computes synchronously
 * on the thread that calls it, and neither `worker.terminate()` nor `RunOptions.terminate` stops a
 * run in progress (terminating a worker inside a run aborts the whole process when the run
 * returns). A process can be killed at once, so a cancelled pass stops at once.
 *
 * The host exits when its parent goes away (the IPC channel disconnects), and after `close`.
 * While a run computes, this process's event loop is blocked, so a parent that dies mid-pass is
 * noticed when that pass ends; the parent kills its hosts when it exits normally.
 */

import * as ort from 'onnxruntime-node';
import type { AppliedSessionOptions, HostMessage, HostRequest, MemberInfo, OnnxMemberSpec, TensorInfo } from './host-protocol.js';
import type { ResolvedRuntimeOptions } from './runtime-options.js';
import { explainCudaFailure, isCudaFailure } from './cuda.js';
import { parseDevice } from './device.js';
import { softmaxChannelsInPlace } from './softmax.js';

const sessions: ort.InferenceSession[] = [];
let loaded: ResolvedRuntimeOptions | undefined;

function send(message: HostMessage, then?: () => void): void {
  if (!process.connected) return;
  process.send!(message, undefined, undefined, () => then?.());
}

function describeValues(metadata: readonly ort.InferenceSession.ValueMetadata[], names: readonly string[]): TensorInfo[] {
  return names.map((name, i) => {
    const md = metadata[i];
    return md?.isTensor
      ? { name, shape: md.shape.map((d) => (typeof d === 'number' ? d : String(d))), type: String(md.type) }
      : { name, shape: null, type: null };
  });
}

function describe(member: OnnxMemberSpec, session: ort.InferenceSession): MemberInfo {
  return {
    name: member.name, path: member.path,
    inputs: describeValues(session.inputMetadata, session.inputNames),
    outputs: describeValues(session.outputMetadata, session.outputNames),
  };
}

/** The session options of every member, from the runtime options (see `runtimeOptionsSchema`). */
function sessionOptionsOf(options: ResolvedRuntimeOptions): { ort: ort.InferenceSession.SessionOptions; applied: AppliedSessionOptions } {
  const device = parseDevice(options.device);
  if (device.kind === 'auto') throw new Error(`device ${options.device}: the parent resolves 'auto' before starting the host`);
  const applied: AppliedSessionOptions = {
    ...(options.intraOpThreads ? { intraOpNumThreads: options.intraOpThreads } : {}),
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: options.graphOptimizationLevel,
    enableCpuMemArena: options.memoryArena === 'keep',
    enableMemPattern: true, // as onnxruntime-python's default; measured: no extra peak RSS with the arena off
    executionProviders: device.kind === 'cuda' ? [`cuda:${device.deviceId}`] : ['cpu'],
  };
  return {
    applied,
    ort: {
      ...(applied.intraOpNumThreads ? { intraOpNumThreads: applied.intraOpNumThreads } : {}),
      interOpNumThreads: applied.interOpNumThreads,
      executionMode: applied.executionMode,
      graphOptimizationLevel: applied.graphOptimizationLevel,
      enableCpuMemArena: applied.enableCpuMemArena,
      enableMemPattern: applied.enableMemPattern,
      executionProviders: device.kind === 'cuda' ? [{ name: 'cuda', deviceId: device.deviceId }] : ['cpu'],
      logSeverityLevel: 3,
    },
  };
}

/** An error whose `failed` reply carries a code for the parent (CUDA problems become `CUDA_UNAVAILABLE`). */
class CodedError extends Error {
  constructor(readonly code: 'CUDA_UNAVAILABLE', message: string) { super(message); }
}

/** The CUDA device index when the sessions run on CUDA. */
function cudaDeviceOf(options: ResolvedRuntimeOptions | undefined): number | undefined {
  const d = options ? parseDevice(options.device) : undefined;
  return d?.kind === 'cuda' ? d.deviceId : undefined;
}

async function load(members: readonly OnnxMemberSpec[], options: ResolvedRuntimeOptions): Promise<HostMessage & { type: 'loaded' }> {
  loaded = options;
  const so = sessionOptionsOf(options);
  const cudaDevice = cudaDeviceOf(options);
  // onnxruntime logs a CUDA provider's failure to stderr before it throws; the thrown message is
  // turned into one line below, so its log stays quiet (only fatal).
  if (cudaDevice !== undefined) ort.env.logLevel = 'fatal';
  const info: MemberInfo[] = [];
  for (const m of members) {
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(m.path, so.ort);
    } catch (err) {
      if (cudaDevice !== undefined && isCudaFailure(messageOf(err))) throw new CodedError('CUDA_UNAVAILABLE', explainCudaFailure(messageOf(err), cudaDevice));
      throw new Error(`cannot create an onnxruntime session for member ${JSON.stringify(m.name)} from ${m.path}: ${messageOf(err)}`);
    }
    sessions.push(session);
    info.push(describe(m, session));
  }
  return { type: 'loaded', id: 0, members: info, sessionOptions: so.applied };
}

async function run(member: number, input: Float32Array, dims: readonly number[]): Promise<{ output: Float32Array; dims: number[] }> {
  const session = sessions[member];
  if (!session || !loaded) throw new Error(`no session for member index ${member}`);
  const inputName = loaded.inputName ?? session.inputNames[0]!;
  const outputName = loaded.outputName ?? session.outputNames[0]!;
  let results: ort.InferenceSession.ReturnType;
  try {
    results = await session.run({ [inputName]: new ort.Tensor('float32', input, dims) }, [outputName]);
  } catch (err) {
    const cudaDevice = cudaDeviceOf(loaded);
    if (cudaDevice !== undefined && isCudaFailure(messageOf(err))) throw new Error(`device cuda:${cudaDevice}: ${explainCudaFailure(messageOf(err), cudaDevice)}`);
    throw err;
  }
  const out = results[outputName];
  if (!out || out.type !== 'float32') throw new Error(`output ${outputName} is ${out ? out.type : 'missing'}, expected float32`);
  const data = out.data as Float32Array;
  if (loaded.outputKind === 'logits') softmaxChannelsInPlace(data, out.dims[1]!);
  return { output: data, dims: [...out.dims] };
}

async function releaseAll(): Promise<void> {
  while (sessions.length > 0) await sessions.pop()!.release();
}

async function handle(request: HostRequest): Promise<HostMessage> {
  switch (request.type) {
    case 'load': return { ...(await load(request.members, request.options)), id: request.id };
    case 'run': return { type: 'output', id: request.id, ...(await run(request.member, request.input, request.dims)) };
    case 'usage': return { type: 'usage', id: request.id, maxRssBytes: process.resourceUsage().maxRSS * 1024 };
    case 'close':
      await releaseAll();
      return { type: 'closed', id: request.id };
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

if (!process.send) {
  console.error('session-host: start this module with child_process.fork (it talks to its parent over IPC), e.g. through OnnxSessionHost.start');
  process.exit(2);
}

// One request at a time, in arrival order (the parent also waits for each reply).
let queue: Promise<void> = Promise.resolve();
process.on('message', (message) => {
  const request = message as HostRequest;
  queue = queue.then(() => handle(request).then(
    (reply) => send(reply, reply.type === 'closed' ? () => process.disconnect() : undefined),
    (err: unknown) => send({ type: 'failed', id: request.id, message: messageOf(err), ...(err instanceof CodedError ? { code: err.code } : {}) }),
  ));
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', pid: process.pid });
