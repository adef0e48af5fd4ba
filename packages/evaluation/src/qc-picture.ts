import path from 'node:path';
import { writeFileAtomic } from '@seahorse/files';
import { readNifti, type VolumeXYZ } from '@seahorse/io';
import { readScan } from './read-scan.js';
import { qcPicturePng, type DisplayConvention } from '@seahorse/metrics';
import { readGroundTruth } from './ground-truth.js';
import type { SubjectInputs } from './subject-inputs.js';

/** The QC picture's file name, beside the segmentation. */
export const QC_PICTURE_FILE = 'qc.png';

/**
 * Writes a subject's QC picture (`qc.png` beside the segmentation, atomically): per structure,
 * three orthogonal slices through its centroid with the predicted outline and, when the subject
 * has ground truth ({@link readGroundTruth}'s rules), the ground-truth outline
 * (`@seahorse/metrics`' `qcPicturePng`). Returns the file written.
 * @throws NiftiFormatError, GroundTruthError, MetricsError naming the file; FileWriteError when it cannot be written.
 */
export async function writeSubjectQcPicture(args: {
  subject: SubjectInputs; segmentationFile: string; structures: readonly string[]; title?: string; convention?: DisplayConvention; outFile?: string;
  /** The scan when already read (e.g. from DICOM by `readScan`); else its first image is read. */
  scan?: VolumeXYZ;
}): Promise<string> {
  // The scan through the one home for reading scans (NIfTI or DICOM); RTSTRUCT ground truth is
  // rasterised onto the segmentation's grid, which is the scan's.
  const scan = args.scan ?? (await readScan(args.subject.images[0]!)).volume;
  const segmentation = readNifti(args.segmentationFile, { kind: 'label' });
  const groundTruth = args.subject.groundTruth ? readGroundTruth(args.subject, args.structures, segmentation) : undefined;
  const png = qcPicturePng({
    scan, segmentation, structures: args.structures, title: args.title ?? `subject ${args.subject.id}`,
    ...(groundTruth ? { groundTruth } : {}), ...(args.convention ? { convention: args.convention } : {}),
  });
  const out = args.outFile ?? path.join(path.dirname(args.segmentationFile), QC_PICTURE_FILE);
  writeFileAtomic(out, png, { createFolder: true });
  return out;
}
