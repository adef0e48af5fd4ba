// Types shared by the cohort workflow (type-only imports) and its activities.
import type { RunSpec } from '../run-spec.js';

/** Error type names that mean "bad input for this subject": never retried, recorded as failed. */
export const BAD_INPUT_ERROR_TYPES = [
  'BadSubjectInput', 'ZodError',
  // @seahorse/io
  'NiftiFormatError', 'ManifestError', 'SpaceMismatchError', 'GeometryError',
  // @seahorse/preprocess (constant image, NaN voxels, degenerate affine), @seahorse/metrics (non-binary ground truth)
  'PreprocessError', 'MetricsError', 'GroundTruthError',
  // @seahorse/inference: a broken model package fails every subject alike; retrying does not help
  'ModelPackageError',
] as const;

/** The plan of a run: written once by `planCohort`, read by page. */
export interface CohortPlan {
  /** Subjects in a stable order. */
  total: number;
  /** Absolute path of `<out>/plan.json`. */
  planFile: string;
}

/** What `prepareSubject` found. */
export type PreparedSubject =
  | { subjectId: string; status: 'cached'; key: string }
  | { subjectId: string; status: 'todo'; key: string; workDir: string };

/** A subject's result, small enough for history. */
export interface SubjectOutcome {
  subjectId: string;
  status: 'done' | 'cached' | 'failed';
  reason?: string;
}

/** What the final aggregation wrote. */
export interface CohortReport {
  metricsCsv: string;
  aggregatesCsv: string;
  markdownFile: string;
  reportHtml: string;
  plots: string[];
  /** The aggregate table as Markdown, as on the model card. */
  markdown: string;
  subjectsWithResults: number;
  subjectsFailed: number;
}

export interface SubjectRef {
  spec: RunSpec;
  subjectId: string;
}
