import { assertSameSpace, gridOf, orientationCodes, readNifti, type GridXYZ, type ShapeZYX, type VolumeXYZ } from '@seahorse/io';
import { normaliseIntensity, reorient, resampleToGrid, toModelSpace } from '@seahorse/preprocess';
import { argmaxClasses } from '../ensemble/aggregate.js';
import { keepLargestComponent } from '../ensemble/largest-component.js';
import type { ModelPackage } from '../model-package/model-package.js';
import { predictEnsemble, type EnsembleProgress } from '../ensemble/predict-ensemble.js';
import { writeInferenceOutputs, type WrittenOutputs } from '../outputs/write-outputs.js';
import { InferenceRuntimeError } from '../tiling/errors.js';
import { planTiling, type TilingMode } from '../tiling/plan.js';
import { OnnxSessionWorker } from './onnx-worker.js';
import type { RuntimeOptions } from './runtime-options.js';

/** Options of {@link openEnsemble}: onnxruntime settings (threads default to the manifest's `inference.threads`). */
export type OpenEnsembleOptions = RuntimeOptions;

/** Options of one scan's segmentation. */
export interface SegmentScanOptions {
  /** Tiling mode. Default: the manifest's `inference.tiling`. */
  tiling?: TilingMode;
  /** `'whole'` mode: bytes one pass may use. Default 5 GiB (see `tilingOptionsSchema`). */
  memoryBudgetBytes?: number;
  /** `'whole'` mode: estimated bytes per voxel of one pass. Default 800 (full-size InnerEye UNet3D, arena released). */
  bytesPerVoxel?: number;
  /** Name used in error messages. Default: the file name, or `'scan'`. */
  scanName?: string;
  /** Called after every network pass (patch p of n, member m of M), e.g. to heartbeat. */
  onProgress?: (p: EnsembleProgress) => void;
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
 * An ensemble ready to segment scans: one worker thread holding one long-lived onnxruntime session
 * per member. Create it once per process (or per Temporal worker) and reuse it for every scan.
 */
export interface Ensemble {
  readonly model: ModelPackage;
  readonly worker: OnnxSessionWorker;
  /**
   * Reads the scan, preprocesses it as the manifest says (orientation, normalisation), runs the
   * members in turn with the chosen tiling, averages, takes the argmax, applies the manifest's
   * largest-component post-processing, maps the results back to the scan's own grid and writes
   * `segmentation.nii.gz`, `posterior_<class>.nii.gz` and `uncertainty.nii.gz` into `outputFolder`.
   * @param scan - one NIfTI path or volume, or one per input channel (same grid).
   * A target orientation or spacing other than `'native'` is handled through `@seahorse/preprocess`
   * (model space in, posteriors back onto the scan's grid: lossless when only reoriented, linear
   * when resampled, then argmax).
   * @throws InferenceRuntimeError `INVALID_OPTIONS` (channel count), runtime errors; NiftiFormatError / PreprocessError /
   *   SpaceMismatchError / NiftiWriteError from io and preprocess, each naming the file.
   */
  segmentScan(scan: ScanInput | readonly ScanInput[], outputFolder: string, options?: SegmentScanOptions): Promise<SegmentScanResult>;
  /** Releases the sessions and stops the worker thread. */
  close(): Promise<void>;
}

/**
 * Starts the worker and sessions for a loaded model package (`loadModelPackage`).
 * @throws InferenceRuntimeError `SESSION_FAILED` / `CUDA_UNAVAILABLE` / `INVALID_OPTIONS`.
 * @example
 * const ensemble = await openEnsemble(await loadModelPackage('models/hippocampus'), { intraOpThreads: 4 });
 * try {
 *   await ensemble.segmentScan('sub-01/t1.nii.gz', 'out/sub-01', { onProgress: (p) => heartbeat(p) });
 * } finally { await ensemble.close(); }
 */
export async function openEnsemble(model: ModelPackage, options: OpenEnsembleOptions = {}): Promise<Ensemble> {
  const threads = model.manifest.inference.threads;
  const worker = await OnnxSessionWorker.start(
    model.members.map((m) => ({ name: m.name, path: m.path })),
    { ...(threads === 'auto' ? {} : { intraOpThreads: threads }), ...options },
  );
  return {
    model,
    worker,
    segmentScan: (scan, outputFolder, o) => segmentWithWorker(model, worker, scan, outputFolder, o ?? {}),
    close: () => worker.close(),
  };
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

async function segmentWithWorker(
  model: ModelPackage, worker: OnnxSessionWorker, scan: ScanInput | readonly ScanInput[], outputFolder: string, options: SegmentScanOptions,
): Promise<SegmentScanResult> {
  const m = model.manifest;
  const inputs = (Array.isArray(scan) ? scan : [scan]) as readonly ScanInput[];
  const name = options.scanName ?? (typeof inputs[0] === 'string' ? inputs[0] : 'scan');
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
    // A model trained at another voxel size: into its space (reorient, resample linearly), and the
    // posteriors back onto the scan's own grid (linear, then argmax), through packages/preprocess.
    const space = { orientation: target === 'native' ? nativeCodes : target, spacingXYZ: targetSpacing };
    const inModelSpace = volumes.map((v) => toModelSpace(v, space, { scan: name, interpolation: 'linear' }));
    const prepared = inModelSpace.map((r) => normaliseIntensity(r.volume, m.preprocessing.normalisation, { scan: name }));
    return await predictAndWrite(model, worker, prepared, reference, outputFolder, options, name, inModelSpace[0]!.lossless ? 'reorient' : 'resample');
  }
  const reoriented = target !== 'native' && target.toUpperCase() !== nativeCodes;
  const prepared = volumes.map((v) => normaliseIntensity(reoriented ? reorient(v, target, { scan: name }) : v, m.preprocessing.normalisation, { scan: name }));
  return await predictAndWrite(model, worker, prepared, reference, outputFolder, options, name, reoriented ? 'reorient' : 'none');
}

/**
 * Runs the ensemble on prepared (model-space, normalised) volumes and writes the outputs on the
 * reference scan's grid. `mapBack` says how the model grid relates to the scan's: `'none'` (the
 * same grid), `'reorient'` (axes permuted/flipped: mapped back losslessly) or `'resample'`
 * (another spacing: posteriors resampled linearly onto the scan's grid). In the last two cases the
 * segmentation is the argmax of the mapped posteriors, ties to the lowest class, with the
 * manifest's largest-component step applied again on the scan's grid.
 */
async function predictAndWrite(
  model: ModelPackage, worker: OnnxSessionWorker, prepared: readonly VolumeXYZ<Float32Array>[], reference: VolumeXYZ,
  outputFolder: string, options: SegmentScanOptions, name: string, mapBack: 'none' | 'reorient' | 'resample',
): Promise<SegmentScanResult> {
  const m = model.manifest;
  const [X, Y, Z] = prepared[0]!.shapeXYZ;
  const shapeZYX: ShapeZYX = [Z, Y, X];
  const n = X * Y * Z;
  const inputCZYX = new Float32Array(m.inputChannels * n);
  prepared.forEach((v, c) => inputCZYX.set(v.data, c * n));
  const mode = options.tiling ?? m.inference.tiling;
  const plan = planTiling(shapeZYX, {
    mode,
    patchZYX: m.inference.patchSizeZYX,
    padMultiple: m.inference.padMultiple,
    padPlacement: m.inference.padPlacement,
    padValue: m.inference.padValue,
    overlap: m.inference.gaussianOverlap,
    ...(options.memoryBudgetBytes !== undefined ? { memoryBudgetBytes: options.memoryBudgetBytes } : {}),
    ...(options.bytesPerVoxel !== undefined ? { bytesPerVoxel: options.bytesPerVoxel } : {}),
  });
  const lccNames = m.postprocessing.largestConnectedComponent;
  const prediction = await predictEnsemble({
    worker, inputCZYX, inputChannels: m.inputChannels, shapeZYX, classes: m.classes.length, plan,
    largestComponentClasses: lccNames.map((c) => m.classes.indexOf(c)),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  let { segmentationZYX, posteriorsCZYX } = prediction;
  if (mapBack !== 'none') {
    const nativeGrid: GridXYZ = gridOf(reference);
    const nativeCodes = orientationCodes(nativeGrid.affine);
    const modelGrid = { shapeXYZ: prepared[0]!.shapeXYZ, affine: prepared[0]!.affine };
    const k = m.classes.length;
    const [nx, ny, nz] = nativeGrid.shapeXYZ;
    const nn = nx * ny * nz;
    const restored = new Float32Array(k * nn);
    for (let c = 0; c < k; c++) {
      const channel: VolumeXYZ<Float32Array> = { data: posteriorsCZYX.subarray(c * n, (c + 1) * n).slice(), shapeXYZ: modelGrid.shapeXYZ, affine: modelGrid.affine, kind: 'intensity' };
      // Only reoriented: lossless permutation and flips back; resampled: linear interpolation.
      const back = mapBack === 'reorient' ? reorient(channel, nativeCodes, { scan: name }) : resampleToGrid(channel, nativeGrid, { interpolation: 'linear', scan: name });
      restored.set(back.data, c * nn);
    }
    posteriorsCZYX = restored;
    const nativeShapeZYX: ShapeZYX = [nz, ny, nx];
    segmentationZYX = argmaxClasses(posteriorsCZYX, k, nativeShapeZYX);
    for (const cls of m.postprocessing.largestConnectedComponent) keepLargestComponent(segmentationZYX, nativeShapeZYX, m.classes.indexOf(cls));
  }
  const files = writeInferenceOutputs(outputFolder, { reference, segmentationZYX, posteriorsCZYX, classNames: m.classes });
  const removed: Record<string, number> = {};
  for (const [idx, count] of Object.entries(prediction.removedByLargestComponent)) removed[m.classes[Number(idx)]!] = count;
  return {
    files, networkShapeZYX: shapeZYX, tiling: mode, patchesPerMember: plan.windows.length, wholeFellBack: plan.wholeFellBack,
    removedByLargestComponent: removed, segmentationZYX, posteriorsCZYX,
  };
}
