import type { EnsembleProgress, ScanInput, SegmentScanResult } from '@seahorse/inference';
import { isDicomSource, readScan } from './read-scan.js';
import type { TilingMode } from '@seahorse/model-package';
import type { EnsembleCache } from './ensemble-cache.js';
import type { SubjectInputs } from './subject-inputs.js';

/** What to segment, where, and how. */
export interface SegmentSubjectRequest {
  subject: SubjectInputs;
  /** The model package folder. */
  modelDir: string;
  /** Where the outputs go (created when missing). */
  outDir: string;
  /** Tiling mode; default: the model package's. */
  tiling?: TilingMode;
  /** onnxruntime intra-op threads per session; default: the cache's, else the package's. */
  threads?: number;
  /** `cpu`, `auto[:N]` or `cuda[:N]`, combined with the cache's own device (see `EnsembleCache`); default: the cache's, else `cpu`. */
  device?: string;
  /** Called after every network pass. */
  onProgress?: (p: EnsembleProgress) => void;
  /** Aborting stops a running network pass at once (its session host is killed); nothing is written. */
  signal?: AbortSignal;
}

/**
 * Segments one subject with a model package: the package's preprocessing, tiling and ensembling,
 * outputs on the scan's own grid (`segmentation.nii.gz`, posteriors, uncertainty), each written
 * atomically into `outDir`.
 * @returns The segmentation's path (what measuring reads) and the runtime's full result.
 * @throws everything `Ensemble.segmentScan` throws (see `@seahorse/inference`), e.g.
 *   InferenceRuntimeError `CANCELLED` when `signal` aborts.
 */
export async function segmentSubject(ensembles: EnsembleCache, request: SegmentSubjectRequest): Promise<{ segmentationFile: string; result: SegmentScanResult }> {
  const ensemble = await ensembles.get(request.modelDir, request.threads, request.device);
  // DICOM channels are read here (the one home for reading a scan); NIfTI paths go as they are.
  const images: ScanInput[] = [];
  for (const f of request.subject.images) images.push(isDicomSource(f) ? (await readScan(f)).volume : f);
  const result = await ensemble.segmentScan(images, request.outDir, {
    scanName: `subject ${request.subject.id}`,
    ...(request.tiling ? { tiling: request.tiling } : {}),
    ...(request.onProgress ? { onProgress: request.onProgress } : {}),
    ...(request.signal ? { signal: request.signal } : {}),
  });
  return { segmentationFile: result.files.segmentation, result };
}
