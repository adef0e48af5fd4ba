import { readNifti, toZYX } from '@seahorse/io';
import { computeExtendedStructureMetrics, type ExtendedStructureMetrics } from '@seahorse/metrics';
import { readGroundTruth } from './ground-truth.js';
import type { SubjectInputs } from './subject-inputs.js';

/**
 * InnerEye's metrics (Dice, Hausdorff distance, mean surface distance; plus MONAI and DeepMind HD95
 * and ASSD and both volumes) of a segmentation file against the subject's ground truth
 * ({@link readGroundTruth}'s rules), one row per structure, in `structures` order. Structure `i`
 * is class `i + 1` of the segmentation.
 * @throws GroundTruthError, NiftiFormatError, MetricsError (grids differ), each naming the file.
 */
export function measureSubject(args: { subject: SubjectInputs; segmentationFile: string; structures: readonly string[] }): ExtendedStructureMetrics[] {
  const { subject, segmentationFile, structures } = args;
  const segmentation = readNifti(segmentationFile, { kind: 'label' });
  // RTSTRUCT ground truth is rasterised onto the segmentation's grid, which is the scan's.
  const groundTruth = readGroundTruth(subject, structures, segmentation).map((v) => toZYX(v));
  return computeExtendedStructureMetrics(toZYX(segmentation), groundTruth, { structures, subject: subject.id });
}
