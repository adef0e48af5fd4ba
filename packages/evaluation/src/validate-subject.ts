import { assertSameSpace, readNifti } from '@seahorse/io';
import { GroundTruthError } from './errors.js';
import { readGroundTruth } from './ground-truth.js';
import type { SubjectInputs } from './subject-inputs.js';

/** How far apart two grids may be and still count as one: spacing/direction relative, origin in mm. */
const SAME_SPACE = { rtol: 1e-5, atol: 1e-4 };

/**
 * Checks one subject's inputs before any compute: every image channel readable and on the first
 * channel's grid, and (when the subject has ground truth) every structure's ground truth valid
 * and on that grid too.
 * @throws NiftiFormatError / SpaceMismatchError (from `@seahorse/io`) and GroundTruthError, each
 *   naming the file and the field.
 */
export function validateSubjectInputs(subject: SubjectInputs, structures: readonly string[]): void {
  const images = subject.images.map((f) => readNifti(f));
  const first = images[0];
  if (!first) throw new GroundTruthError(`subject ${subject.id}: no image channel`);
  images.slice(1).forEach((other, i) =>
    assertSameSpace(first, other, { ...SAME_SPACE, names: [subject.images[0]!, subject.images[i + 1]!] }));
  if (subject.groundTruth) {
    for (const mask of readGroundTruth(subject, structures)) {
      assertSameSpace(first, mask, { ...SAME_SPACE, names: [subject.images[0]!, mask.file] });
    }
  }
}
