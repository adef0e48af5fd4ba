import { assertSameSpace, type VolumeXYZ } from '@seahorse/io';
import { GroundTruthError } from './errors.js';
import { readGroundTruth } from './ground-truth.js';
import { readScan } from './read-scan.js';
import type { SubjectInputs } from './subject-inputs.js';

/** How far apart two grids may be and still count as one: spacing/direction relative, origin in mm. */
const SAME_SPACE = { rtol: 1e-5, atol: 1e-4 };

/**
 * Checks one subject's inputs before any compute: every image channel readable and on the first
 * channel's grid, and (when the subject has ground truth) every structure's ground truth valid
 * and on that grid too.
 * Image channels may be NIfTI or DICOM ({@link readScan}); RTSTRUCT ground truth is rasterised
 * onto the first channel's grid.
 * @throws NiftiFormatError / SpaceMismatchError (from `@seahorse/io`), DicomError and
 *   GroundTruthError, each naming the file and the field.
 */
export async function validateSubjectInputs(subject: SubjectInputs, structures: readonly string[]): Promise<void> {
  const images: VolumeXYZ[] = [];
  for (const f of subject.images) images.push((await readScan(f)).volume);
  const first = images[0];
  if (!first) throw new GroundTruthError(`subject ${subject.id}: no image channel`);
  images.slice(1).forEach((other, i) =>
    assertSameSpace(first, other, { ...SAME_SPACE, names: [subject.images[0]!, subject.images[i + 1]!] }));
  if (subject.groundTruth) {
    for (const mask of readGroundTruth(subject, structures, first)) {
      assertSameSpace(first, mask, { ...SAME_SPACE, names: [subject.images[0]!, mask.file] });
    }
  }
}
