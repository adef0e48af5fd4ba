import { readNifti, voxelVolumeMm3 } from '@seahorse/io';
import type { ExtendedStructureMetrics } from '@seahorse/metrics';
import { measureSubject } from './measure-subject.js';
import type { SubjectInputs } from './subject-inputs.js';

/** One structure's predicted volume: its voxel count and mm³ (count × the voxel volume from the affine). */
export interface StructureVolume {
  readonly structure: string;
  readonly voxels: number;
  readonly volume_mm3: number;
}

/**
 * The volume of each structure of a segmentation, in `structures` order: structure `i` is the
 * voxels equal to `i + 1`; mm³ is the voxel count × `|det|` of the affine's 3×3 part
 * (`@seahorse/io`'s `voxelVolumeMm3`, nibabel's rule), so oblique and sheared grids measure true.
 * @throws NiftiFormatError (from `@seahorse/io`) for an unreadable file.
 * @example
 * ```ts
 * measureVolumes('subjects/7/segmentation.nii.gz', ['hippocampus_L', 'hippocampus_R'])[0].volume_mm3;
 * ```
 */
export function measureVolumes(segmentationFile: string, structures: readonly string[]): StructureVolume[] {
  const segmentation = readNifti(segmentationFile, { kind: 'label' });
  const counts = new Float64Array(structures.length + 1);
  const data = segmentation.data;
  const n = structures.length;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v >= 1 && v <= n && Number.isInteger(v)) counts[v]!++;
  }
  const voxelMm3 = voxelVolumeMm3(segmentation);
  return structures.map((structure, i) => ({ structure, voxels: counts[i + 1]!, volume_mm3: counts[i + 1]! * voxelMm3 }));
}

/** What one subject's segmentation measures: metrics against ground truth (none for an unlabelled subject) and volumes. */
export interface SegmentationMeasures {
  /** One row per structure when the subject has ground truth; empty when it has none. */
  readonly metrics: readonly ExtendedStructureMetrics[];
  /** One row per structure, always. */
  readonly volumes: readonly StructureVolume[];
}

/**
 * Measures a subject's segmentation: its structures' volumes always ({@link measureVolumes}) and,
 * when the subject has ground truth, the metrics against it ({@link measureSubject}'s rules). A
 * subject without ground truth (an unlabelled cohort, or an unlabelled subject of a mixed one) is
 * measured for volume only.
 * @throws as {@link measureSubject} and {@link measureVolumes}.
 */
export function measureSegmentation(args: { subject: SubjectInputs; segmentationFile: string; structures: readonly string[] }): SegmentationMeasures {
  return {
    metrics: args.subject.groundTruth ? measureSubject(args) : [],
    volumes: measureVolumes(args.segmentationFile, args.structures),
  };
}
