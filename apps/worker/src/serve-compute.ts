// The real compute behind `seahorse serve`: @seahorse/dicom reads the uploaded series and writes
// the RTSTRUCT; @seahorse/evaluation's ensemble cache runs @seahorse/inference's ensemble on it.
// A thin adapter: every rule lives in its package.
import { DicomError, DicomRtError, readDicomSeries, writeRtStruct, type RoiDefinition } from '@seahorse/dicom';
import { EnsembleCache, isBadInput } from '@seahorse/evaluation';
import type { VolumeXYZ } from '@seahorse/io';
import type { ServeCompute } from '@seahorse/serve';

/** InnerEye's Hippocampus structures are white ORGANs; every model's classes are written so. */
const WHITE: readonly [number, number, number] = [255, 255, 255];

/** Options of {@link createServeCompute}. */
export interface ServeComputeOptions {
  /** onnxruntime intra-op threads per session. Default: the model package's. */
  threads?: number;
}

/** Builds the service's compute; `close()` ends the open ensembles' session hosts. */
export function createServeCompute(options: ServeComputeOptions = {}): ServeCompute & { close(): Promise<void> } {
  const ensembles = new EnsembleCache(options);
  return {
    async segmentStudy(job) {
      const { volume, series } = await readDicomSeries(job.inputDir);
      const ensemble = await ensembles.get(job.modelDir);
      const result = await ensemble.segmentScan(volume, job.workDir, {
        scanName: 'the uploaded series', signal: job.signal,
        onProgress: (p) => job.onProgress({ step: `member ${p.member}/${p.members}`, done: p.patch, total: p.patches }),
      });
      // The segmentation on the series' own grid (segmentScan maps it back), x fastest. Its NIfTI
      // files stay in job.workDir, which the service deletes with the upload.
      const segmentation: VolumeXYZ<Uint8Array> = { shapeXYZ: volume.shapeXYZ, affine: volume.affine, data: result.segmentationZYX, kind: 'label' };
      const rois: RoiDefinition[] = ensemble.model.manifest.classes.slice(1)
        .map((name, i) => ({ label: i + 1, name, color: WHITE, interpretedType: 'ORGAN' }));
      writeRtStruct(job.outFile, segmentation, volume, series, rois, {
        software: { name: 'Seahorse', version: job.modelId }, modelName: job.modelId,
        // InnerEye-Inference's structure sets say SEMIAUTOMATIC (a model's contours for a person to review).
        roiGenerationAlgorithm: 'SEMIAUTOMATIC',
      });
    },
    isBadInput(err) {
      if (err instanceof DicomError) return err.code !== 'READ_FAILED';
      if (err instanceof DicomRtError) return err.code === 'BAD_SEGMENTATION';
      return isBadInput(err);
    },
    close: () => ensembles.close(),
  };
}
