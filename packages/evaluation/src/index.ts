// Public API of @seahorse/evaluation: the one evaluation core that durable runs (apps/worker) and
// the training tool (tools/train) both call.
export { GroundTruthError, EvaluationOptionError } from './errors.js';
export { subjectInputsOf, loadSubjectInputs, type SubjectInputs } from './subject-inputs.js';
export { readGroundTruth, type GroundTruthMask } from './ground-truth.js';
export { validateSubjectInputs } from './validate-subject.js';
export { describeModel, type ModelDescription } from './describe-model.js';
export { EnsembleCache, type EnsembleCacheOptions } from './ensemble-cache.js';
export { segmentSubject, type SegmentSubjectRequest } from './segment-subject.js';
export { measureSubject } from './measure-subject.js';
export { measureVolumes, measureSegmentation, type StructureVolume, type SegmentationMeasures } from './measure-volumes.js';
export { isBadInput } from './bad-input.js';
export { evaluateSubjects, type SubjectEvaluation } from './evaluate-subjects.js';
export { writeSubjectQcPicture, QC_PICTURE_FILE } from './qc-picture.js';
export { writeSubjectViewerPage, niivueScriptFile, labelSurface, VIEWER_FILES, type WrittenViewerPage } from './viewer-page.js';
export { readScan, isDicomSource, type ScanRead } from './read-scan.js';
