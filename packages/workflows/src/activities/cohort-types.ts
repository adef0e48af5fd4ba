// Types shared by the cohort workflow (type-only imports) and its activities: what each activity
// returns is what the next one takes.
import type { RunSpec } from '../run-spec.js';

/** The type of the failure that marks bad input: never retried, recorded for the subject. */
export const BAD_SUBJECT_INPUT = 'BadSubjectInput';

/** The plan of a run: written once by `planCohort`, read by page. */
export interface CohortPlan {
  /** Subjects in a stable order. */
  total: number;
  /** Absolute path of `<out>/plan.json`. */
  planFile: string;
}

/** Which subject of which run an activity works on. */
export interface SubjectRef {
  spec: RunSpec;
  subjectId: string;
}

/** A subject whose valid result already exists. */
export interface CachedSubject {
  subjectId: string;
  status: 'cached';
  key: string;
}

/** A subject to compute: its idempotency key and the (emptied) folder its outputs go to. */
export interface SubjectToCompute {
  subjectId: string;
  status: 'todo';
  key: string;
  workDir: string;
}

/** What `prepareSubject` found. */
export type PreparedSubject = CachedSubject | SubjectToCompute;

/** What `inferSubject` wrote; `measureSubject` reads exactly this segmentation. */
export interface InferredSubject {
  subjectId: string;
  key: string;
  segmentationFile: string;
  /** Seconds the inference took (for the report's time per subject). */
  seconds?: number;
}

/** What `measureSubject` committed. */
export interface MeasuredSubject {
  subjectId: string;
  /** Structures measured (0 for a subject without ground truth). */
  rows: number;
}

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
