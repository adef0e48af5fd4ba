import { assertSameSpace, gridOf, orientationCodes, readNifti, type ShapeZYX, type VolumeXYZ } from '@seahorse/io';
import type { ModelPackage, TilingMode } from '@seahorse/model-package';
import { normaliseIntensity, reorient, toModelSpace } from '@seahorse/preprocess';
import { predictEnsemble, type EnsemblePrediction, type EnsembleProgress } from '../ensemble/predict-ensemble.js';
import { InferenceRuntimeError } from '../errors.js';
import { predictionOnScanGrid, type ModelToScan } from '../native-space/native-space.js';
import { writeInferenceOutputs, type WrittenOutputs } from '../outputs/write-outputs.js';
import { planForDeviceMemory, type DeviceMemory, type DevicePlan } from '../tiling/device-plan.js';
import { planTiling } from '../tiling/plan.js';
import { packageGraph, type PackageGraph } from './member-graph.js';
import { parseDevice } from './device.js';
import { gpuMemory } from './gpu-memory.js';
import { OnnxSessionHost } from './onnx-session-host.js';
import { resolveRuntimeOptions, type ResolvedRuntimeOptions, type RuntimeOptions } from './runtime-options.js';

/** Options of {@link openEnsemble}: onnxruntime settings (threads default to the manifest's `inference.threads`). */
export type OpenEnsembleOptions = RuntimeOptions & {
  /** With `device: 'auto'`: told which device the sessions run on (the GPU, or the CPU and why). */
  onNotice?: (line: string) => void;
};

/** Options of one scan's segmentation. */
export interface SegmentScanOptions {
  /** Tiling mode. Default: the manifest's `inference.tiling`. */
  tiling?: TilingMode;
  /** `'whole'` mode: bytes one pass may use. Default 5 GiB (see `tilingOptionsSchema`). */
  memoryBudgetBytes?: number;
  /**
   * `'whole'` mode: estimated bytes per voxel of one pass. Default: the members' graph's figure
   * (`Ensemble.graph.bytesPerVoxel`: 260 for the default graph, 800 for the literal one).
   */
  bytesPerVoxel?: number;
  /** Name used in error messages. Default: the file name, or `'scan'`. */
  scanName?: string;
  /** Called after every network pass (patch p of n, member m of M), e.g. to heartbeat. */
  onProgress?: (p: EnsembleProgress) => void;
  /**
   * Aborting it stops the scan: a running network pass is stopped at once (the session host is
   * killed), the call rejects with `InferenceRuntimeError` `CANCELLED`, and no output file is
   * written. The ensemble starts a fresh host on its next use.
   */
  signal?: AbortSignal;
}

/** What {@link Ensemble.segmentScan} did. */
export interface SegmentScanResult {
  readonly files: WrittenOutputs;
  /** `[Z, Y, X]` of the network input (after any reorientation). */
  readonly networkShapeZYX: ShapeZYX;
  readonly tiling: TilingMode;
  /** Network passes per member. */
  readonly patchesPerMember: number;
  /** True when `'whole'` fell back to tiles to fit the memory budget. */
  readonly wholeFellBack: boolean;
  /** On a GPU (without `memoryBudgetBytes`): the plan sized from its free memory (`planForDeviceMemory`). */
  readonly devicePlan?: DevicePlan;
  /** Voxels per class name that the largest-component step set to background. */
  readonly removedByLargestComponent: Readonly<Record<string, number>>;
  /** The segmentation on the scan's own grid, `[Z, Y, X]` = NIfTI `[X, Y, Z]` order, x fastest. */
  readonly segmentationZYX: Uint8Array;
  /** The mean posteriors on the scan's own grid, `[K, Z, Y, X]`. */
  readonly posteriorsCZYX: Float32Array;
}

/** A scan given as a NIfTI path or an already read volume; one per input channel. */
export type ScanInput = string | VolumeXYZ;

/**
 * An ensemble ready to segment scans: a session host process holding one long-lived onnxruntime
 * session per member. Create it once per process (or per Temporal worker) and reuse it for every
 * scan. Scans may overlap; their network passes take turns (one ensemble pass at a time).
 */
export interface Ensemble {
  readonly model: ModelPackage;
  /** The runtime options every session was created with, defaults filled in (e.g. `runtime.intraOpThreads`). */
  readonly runtime: ResolvedRuntimeOptions;
  /**
   * Which graph the members hold (read from their metadata when the ensemble opened): `notice` is a
   * line to show the user when the package was imported before the default graph changed and
   * should be re-imported (it still segments the same).
   */
  readonly graph: PackageGraph;
  /** The session host's process id; `undefined` while none runs (after a cancelled pass, until the next scan, and after close). */
  readonly hostPid: number | undefined;
  /** The device the sessions run on (`cpu` or `cuda:N`; `auto` resolved); `undefined` while no host runs. */
  readonly device: string | undefined;
  /** With `device: 'auto'`: the line that says which device was chosen and why. */
  readonly deviceNotice: string | undefined;
  /**
   * Reads the scan, preprocesses it as the manifest says (orientation, normalisation), runs the
   * members in turn with the chosen tiling, averages, takes the argmax, applies the manifest's
   * largest-component post-processing, maps the results back to the scan's own grid and writes
   * `segmentation.nii.gz`, `posterior_<class>.nii.gz` and `uncertainty.nii.gz` into `outputFolder`.
   * @param scan - one NIfTI path or volume, or one per input channel (same grid).
   * A target orientation or spacing other than `'native'` is handled through `@seahorse/preprocess`
   * (model space in, posteriors back onto the scan's grid: lossless when only reoriented, linear
   * when resampled, then argmax; see `predictionOnScanGrid`).
   * Files are written only after the whole ensemble pass, each atomically.
   * @throws InferenceRuntimeError `INVALID_OPTIONS` (channel count), `CANCELLED` (`options.signal`),
   *   runtime errors; NiftiFormatError / PreprocessError / SpaceMismatchError / NiftiWriteError from
   *   io and preprocess, each naming the file.
   */
  segmentScan(scan: ScanInput | readonly ScanInput[], outputFolder: string, options?: SegmentScanOptions): Promise<SegmentScanResult>;
  /** Releases the sessions and ends the session host. */
  close(): Promise<void>;
}

/**
 * Starts the session host and sessions for a loaded model package (`loadModelPackage`).
 * @throws InferenceRuntimeError `SESSION_FAILED` / `CUDA_UNAVAILABLE` / `INVALID_OPTIONS`.
 * @example
 * const ensemble = await openEnsemble(await loadModelPackage('models/hippocampus'), { intraOpThreads: 4 });
 * try {
 *   await ensemble.segmentScan('sub-01/t1.nii.gz', 'out/sub-01', { onProgress: (p) => heartbeat(p), signal });
 * } finally { await ensemble.close(); }
 */
export async function openEnsemble(model: ModelPackage, options: OpenEnsembleOptions = {}): Promise<Ensemble> {
  const threads = model.manifest.inference.threads;
  const { onNotice, ...runtimeOptions } = options;
  const runtime = resolveRuntimeOptions({ ...(threads === 'auto' ? {} : { intraOpThreads: threads }), ...runtimeOptions });
  const ensemble = new HostedEnsemble(model, runtime, await packageGraph(model), onNotice);
  await ensemble.startHost(undefined);
  return ensemble;
}

/**
 * One-shot convenience: {@link openEnsemble}, {@link Ensemble.segmentScan}, close. For many scans,
 * open the ensemble once instead.
 * @example
 * const result = await segmentScan('ch2.nii.gz', await loadModelPackage('models/hippocampus'), 'out/colin27');
 * result.files.segmentation // 'out/colin27/segmentation.nii.gz'
 */
export async function segmentScan(
  scan: ScanInput | readonly ScanInput[], model: ModelPackage, outputFolder: string,
  options: SegmentScanOptions & { runtime?: OpenEnsembleOptions } = {},
): Promise<SegmentScanResult> {
  const ensemble = await openEnsemble(model, options.runtime ?? {});
  try {
    return await ensemble.segmentScan(scan, outputFolder, options);
  } finally {
    await ensemble.close();
  }
}

function cancelled(name: string, signal: AbortSignal): InferenceRuntimeError {
  const reason = signal.reason instanceof Error ? signal.reason.message : signal.reason === undefined ? '' : String(signal.reason);
  return new InferenceRuntimeError('CANCELLED', `${name}: cancelled${reason ? ` (${reason})` : ''}; no output was written`);
}

function throwIfAborted(name: string, signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelled(name, signal);
}

/** Resolves when `promise` does, or rejects with `CANCELLED` as soon as `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, name: string, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  throwIfAborted(name, signal);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled(name, signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The scan's volumes in model space, normalised, and how that space relates to the scan's grid. */
interface PreparedScan {
  readonly name: string;
  /** The first channel as read: its grid and header go into every output. */
  readonly reference: VolumeXYZ;
  readonly prepared: readonly VolumeXYZ<Float32Array>[];
  readonly relation: ModelToScan;
}

function channelsOf(scan: ScanInput | readonly ScanInput[]): readonly ScanInput[] {
  return (Array.isArray(scan) ? scan : [scan]) as readonly ScanInput[];
}

/** The scan's name in messages: `options.scanName`, else its (first) file name, else `'scan'`. */
function scanNameOf(scan: ScanInput | readonly ScanInput[], options: SegmentScanOptions): string {
  const first = channelsOf(scan)[0];
  return options.scanName ?? (typeof first === 'string' ? first : 'scan');
}

/** Reads the scan's channels and brings them into the model's space, normalised (`@seahorse/preprocess`). */
function prepareScan(model: ModelPackage, scan: ScanInput | readonly ScanInput[], options: SegmentScanOptions): PreparedScan {
  const m = model.manifest;
  const inputs = channelsOf(scan);
  const name = scanNameOf(scan, options);
  if (inputs.length !== m.inputChannels) {
    throw new InferenceRuntimeError('INVALID_OPTIONS', `${name}: model ${m.name} takes ${m.inputChannels} input channel(s), got ${inputs.length} scan(s)`);
  }
  const volumes = inputs.map((s) => (typeof s === 'string' ? readNifti(s) : s));
  const reference = volumes[0]!;
  volumes.slice(1).forEach((v, i) => assertSameSpace(reference, v, { names: [name, `${name} channel ${i + 1}`] }));
  const target = m.preprocessing.targetOrientation;
  const targetSpacing = m.preprocessing.targetSpacingXYZ;
  const nativeCodes = orientationCodes(reference.affine);
  if (targetSpacing !== 'native') {
    // A model trained at another voxel size: into its space (reorient, resample linearly).
    const space = { orientation: target === 'native' ? nativeCodes : target, spacingXYZ: targetSpacing };
    const inModelSpace = volumes.map((v) => toModelSpace(v, space, { scan: name, interpolation: 'linear' }));
    const prepared = inModelSpace.map((r) => normaliseIntensity(r.volume, m.preprocessing.normalisation, { scan: name }));
    return { name, reference, prepared, relation: inModelSpace[0]!.lossless ? 'reorient' : 'resample' };
  }
  const reoriented = target !== 'native' && target.toUpperCase() !== nativeCodes;
  const prepared = volumes.map((v) => normaliseIntensity(reoriented ? reorient(v, target, { scan: name }) : v, m.preprocessing.normalisation, { scan: name }));
  return { name, reference, prepared, relation: reoriented ? 'reorient' : 'none' };
}

/** Inputs of {@link predictAndWrite}. */
interface PredictAndWriteInput {
  readonly model: ModelPackage;
  readonly scan: PreparedScan;
  readonly outputFolder: string;
  readonly options: SegmentScanOptions;
  /** The members' graph: its bytes per voxel are `'whole'` mode's default. */
  readonly graph: PackageGraph;
  /** Runs the whole ensemble pass over the network input (on the ensemble's session host). */
  readonly predict: (run: (host: OnnxSessionHost) => Promise<EnsemblePrediction>) => Promise<EnsemblePrediction>;
  /** The GPU's memory when the sessions run on one (the plan is then sized from it). */
  readonly deviceMemory: DeviceMemory | undefined;
}

/**
 * Runs the ensemble on a prepared (model-space, normalised) scan, maps the prediction back onto the
 * scan's grid (`predictionOnScanGrid`) and writes the outputs there.
 */
async function predictAndWrite({ model, scan, outputFolder, options, graph, predict, deviceMemory }: PredictAndWriteInput): Promise<SegmentScanResult> {
  const m = model.manifest;
  const { prepared, reference, name } = scan;
  const first = prepared[0]!;
  const [X, Y, Z] = first.shapeXYZ;
  const shapeZYX: ShapeZYX = [Z, Y, X];
  const n = X * Y * Z;
  const inputCZYX = new Float32Array(m.inputChannels * n);
  prepared.forEach((v, c) => inputCZYX.set(v.data, c * n));
  const mode = options.tiling ?? m.inference.tiling;
  // On a GPU the budget of one pass (whole mode, its fallback) and gaussian's patch come from its memory.
  const devicePlan = deviceMemory && options.memoryBudgetBytes === undefined
    ? planForDeviceMemory(deviceMemory, {
      shapeZYX, patchZYX: m.inference.patchSizeZYX, padMultiple: m.inference.padMultiple, padPlacement: m.inference.padPlacement,
      overlap: m.inference.gaussianOverlap, mode, ...(options.bytesPerVoxel !== undefined ? { bytesPerVoxel: options.bytesPerVoxel } : {}),
    })
    : undefined;
  const memoryBudgetBytes = options.memoryBudgetBytes ?? devicePlan?.memoryBudgetBytes;
  const bytesPerVoxel = options.bytesPerVoxel ?? devicePlan?.bytesPerVoxel;
  const plan = planTiling(shapeZYX, {
    mode,
    patchZYX: mode === 'gaussian' && devicePlan ? [...devicePlan.patchZYX] : m.inference.patchSizeZYX,
    padMultiple: m.inference.padMultiple,
    padPlacement: m.inference.padPlacement,
    padValue: m.inference.padValue,
    overlap: m.inference.gaussianOverlap,
    ...(memoryBudgetBytes !== undefined ? { memoryBudgetBytes } : {}),
    bytesPerVoxel: bytesPerVoxel ?? graph.bytesPerVoxel,
  });
  const largestComponentClasses = m.postprocessing.largestConnectedComponent.map((c) => m.classes.indexOf(c));
  const prediction = await predict((host) => predictEnsemble({
    runner: host, inputCZYX, inputChannels: m.inputChannels, shapeZYX, classes: m.classes.length, plan, largestComponentClasses,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  }));
  throwIfAborted(name, options.signal);
  const { segmentationZYX, posteriorsCZYX } = predictionOnScanGrid(prediction, {
    modelGrid: { shapeXYZ: first.shapeXYZ, affine: first.affine }, scanGrid: gridOf(reference), relation: scan.relation,
    classes: m.classes.length, largestComponentClasses, scanName: name,
  });
  const files = writeInferenceOutputs(outputFolder, { reference, segmentationZYX, posteriorsCZYX, classNames: m.classes });
  const removed: Record<string, number> = {};
  for (const [idx, count] of Object.entries(prediction.removedByLargestComponent)) removed[m.classes[Number(idx)]!] = count;
  return {
    files, networkShapeZYX: shapeZYX, tiling: mode, patchesPerMember: plan.windows.length, wholeFellBack: plan.wholeFellBack,
    ...(devicePlan ? { devicePlan } : {}),
    removedByLargestComponent: removed, segmentationZYX, posteriorsCZYX,
  };
}

/** {@link Ensemble} on an {@link OnnxSessionHost}, restarted after a cancelled (or crashed) pass. */
class HostedEnsemble implements Ensemble {
  private host: OnnxSessionHost | undefined;
  private starting: Promise<OnnxSessionHost> | undefined;
  /** Settles when the ensemble pass before the next one has ended: passes take turns. */
  private turn: Promise<void> = Promise.resolve();
  private closed = false;

  /** `auto` resolved by the first host: later hosts (after a cancelled pass) start on the same device, quietly. */
  private resolvedDevice: string | undefined;
  deviceNotice: string | undefined;

  constructor(readonly model: ModelPackage, readonly runtime: ResolvedRuntimeOptions, readonly graph: PackageGraph, private readonly onNotice?: (line: string) => void) {}

  get hostPid(): number | undefined {
    return this.host?.alive ? this.host.pid : undefined;
  }

  get device(): string | undefined {
    return this.host?.alive ? this.host.options.device : undefined;
  }

  /** The running host, or a fresh one (new process, new sessions) when there is none. */
  startHost(signal: AbortSignal | undefined): Promise<OnnxSessionHost> {
    if (this.closed) return Promise.reject(new InferenceRuntimeError('WORKER_CLOSED', `ensemble ${this.model.manifest.name} is closed`));
    if (this.host?.alive) return Promise.resolve(this.host);
    const runtime = this.resolvedDevice ? { ...this.runtime, device: this.resolvedDevice } : this.runtime;
    this.starting ??= OnnxSessionHost.start(this.model.members.map((m) => ({ name: m.name, path: m.path })), runtime, {
      ...(signal ? { signal } : {}), ...(this.onNotice ? { onNotice: this.onNotice } : {}),
    })
      .then((host) => {
        this.host = host;
        this.resolvedDevice ??= host.options.device;
        this.deviceNotice ??= host.notice;
        return host;
      })
      .finally(() => { this.starting = undefined; });
    return this.starting;
  }

  async segmentScan(scan: ScanInput | readonly ScanInput[], outputFolder: string, options: SegmentScanOptions = {}): Promise<SegmentScanResult> {
    const { signal } = options;
    throwIfAborted(scanNameOf(scan, options), signal);
    const prepared = prepareScan(this.model, scan, options);
    return predictAndWrite({
      model: this.model, scan: prepared, outputFolder, options, graph: this.graph,
      predict: (run) => this.exclusivePass(prepared.name, signal, run),
      deviceMemory: this.deviceMemory(),
    });
  }

  /** The GPU's memory (asked once per ensemble) when the sessions run on one. */
  private gpu: { memory: DeviceMemory | undefined } | undefined;
  private deviceMemory(): DeviceMemory | undefined {
    const device = this.resolvedDevice ? parseDevice(this.resolvedDevice) : undefined;
    if (device?.kind !== 'cuda') return undefined;
    this.gpu ??= { memory: gpuMemory(device.deviceId) };
    return this.gpu.memory;
  }

  /**
   * Runs one ensemble pass when the previous one has ended. If `signal` aborts while waiting, the
   * call rejects at once; while the pass runs, the host is killed, so the pass stops at once too.
   */
  private async exclusivePass<T>(name: string, signal: AbortSignal | undefined, run: (host: OnnxSessionHost) => Promise<T>): Promise<T> {
    let release!: () => void;
    const mine = new Promise<void>((resolve) => { release = resolve; });
    const previous = this.turn;
    this.turn = previous.then(() => mine);
    try {
      await untilAborted(previous, name, signal);
      const host = await this.startHost(signal);
      throwIfAborted(name, signal);
      const onAbort = () => void host.cancel(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        return await run(host);
      } catch (err) {
        throw signal?.aborted ? cancelled(name, signal) : err;
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    } finally {
      release();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const host = this.host ?? (await this.starting?.catch(() => undefined));
    this.host = undefined;
    await host?.close();
  }
}
