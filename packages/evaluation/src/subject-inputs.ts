import { loadCohort, type CohortSubject } from '@seahorse/io';

/**
 * One subject's input files as plain data (what a run's plan stores): absolute paths of the image
 * channel(s) in model order, and the ground truth as one binary mask per structure, a label map
 * with each structure's value, or none (an unlabelled subject).
 */
export interface SubjectInputs {
  id: string;
  images: string[];
  groundTruth:
    | { kind: 'masks'; masks: Record<string, string> }
    | { kind: 'labelMap'; file: string; labels: Record<string, number> }
    | null;
}

/** A subject of a cohort read by `@seahorse/io`'s `loadCohort`, as {@link SubjectInputs}. */
export function subjectInputsOf(subject: CohortSubject): SubjectInputs {
  const gt = subject.groundTruth;
  return {
    id: subject.id,
    images: subject.images.map((c) => c.file),
    groundTruth:
      gt.kind === 'masks' ? { kind: 'masks', masks: Object.fromEntries(gt.structures.map((s) => [s.name, s.file])) }
        : gt.kind === 'labelMap' ? { kind: 'labelMap', file: gt.file, labels: Object.fromEntries(gt.labels.map((l) => [l.name, l.value])) }
          : null,
  };
}

/**
 * Reads a dataset manifest (InnerEye `dataset.csv`, MSD or nnU-Net `dataset.json`) into
 * {@link SubjectInputs}, in manifest order. Missing files and geometry are not checked here but per
 * subject ({@link validateSubjectInputs}), so one bad subject fails alone, not the whole cohort.
 * @throws ManifestError (from `@seahorse/io`) for a bad manifest or a path outside the dataset folder.
 */
export function loadSubjectInputs(datasetFile: string): SubjectInputs[] {
  return loadCohort(datasetFile, { checkGeometry: false, allowMissingFiles: true }).subjects.map(subjectInputsOf);
}
