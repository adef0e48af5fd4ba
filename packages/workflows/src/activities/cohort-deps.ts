// What the cohort activities need from the compute, injected by the worker (apps/worker builds
// the real one from @seahorse/evaluation; tests inject lightweight compute). The contract is
// honest: every parameter a method takes is used, each method returns what the next step
// consumes, and the compute says itself which of its errors are bad input.
import type { PlannedSubject, StructureMetricsRow, StructureVolumeRow } from '../run-folder.js';

export type { PlannedSubject, StructureMetricsRow, StructureVolumeRow };

/** Progress of a long step, for heartbeats ("patch 3 of 8, member 2 of 5"). */
export interface StepProgress {
  step: string;
  done: number;
  total: number;
}

/** The inference overrides of a run (`RunSpec.inference`). */
export interface InferenceOverrides {
  tiling?: string;
  threads?: number;
}

/** What the compute says about a model package. */
export interface ModelDescription {
  /** Identifies the package's content (it feeds the subjects' idempotency keys). */
  fingerprint: string;
  name: string;
  version: string;
  /** Foreground structures, in class order. */
  structures: string[];
}

/** What the inference step wrote: the measuring step reads exactly this file. */
export interface SegmentedSubject {
  /** Absolute path of the segmentation on the scan's own grid. */
  segmentationFile: string;
}

/** What the measuring step gives for one subject. */
export interface SubjectMeasures {
  /** Metrics against the ground truth, one row per structure; empty for a subject without ground truth. */
  rows: StructureMetricsRow[];
  /** Predicted volumes, one row per structure. */
  volumes: StructureVolumeRow[];
}

/** One subject's result as the reports get it. */
export interface SubjectReportInput {
  subjectId: string;
  rows: StructureMetricsRow[];
  volumes: StructureVolumeRow[];
  /** Whether the plan gives the subject ground truth. */
  labelled: boolean;
  /** Seconds its inference and measurement took, when known. */
  seconds?: number;
}

/** The compute behind the activities. */
export interface CohortDeps {
  /** Reads a dataset manifest (dataset.csv / dataset.json) into planned subjects, in a stable order. */
  loadSubjects(datasetFile: string): Promise<PlannedSubject[]>;
  /**
   * Validates a model package and the run's inference overrides against it (a tiling mode the
   * package's runtime does not know is refused here, before any subject runs).
   */
  describeModel(modelDir: string, overrides: InferenceOverrides): Promise<ModelDescription>;
  /** Loads and checks one subject's inputs (readable, same geometry, valid ground truth). */
  validateSubject(subject: PlannedSubject, structures: string[]): Promise<void>;
  /**
   * Preprocessing and ensemble inference with the run's overrides, on the run's `device`
   * (`RunSpec.device`: `cpu`, `auto[:N]` or `cuda[:N]`; the worker may pick the GPU index); writes
   * the outputs into `outDir` atomically. `signal` aborts a running network pass (the run was cancelled).
   */
  segmentSubject(args: {
    subject: PlannedSubject; modelDir: string; outDir: string; overrides: InferenceOverrides; device: string;
    onProgress: (p: StepProgress) => void; signal: AbortSignal;
  }): Promise<SegmentedSubject>;
  /**
   * Measures the segmentation the inference step wrote: metrics against the subject's ground truth
   * per structure (none when the subject has no ground truth) and every structure's volume.
   */
  measureSubject(args: {
    subject: PlannedSubject; segmentationFile: string; structures: string[];
    /** The run folder (its reports, and what is shared by every subject's pages, e.g. the viewer's script, live there). */
    runDir: string;
  }): Promise<SubjectMeasures>;
  /** Writes every report (CSV, Markdown, JSON, plots, report.html) into outDir; returns paths and the Markdown table. */
  writeReports(args: {
    outDir: string;
    results: SubjectReportInput[];
    failures: { subjectId: string; reason: string }[];
    provenance: Record<string, string>;
  }): Promise<{ metricsCsv: string; aggregatesCsv: string; markdownFile: string; reportHtml: string; plots: string[]; markdown: string }>;
  /**
   * True when an error this compute threw means bad input of the subject (or of the whole run:
   * a broken model package), which a retry cannot fix. Decided by the compute packages' own error
   * classes; anything else is a fault and is retried.
   */
  isBadInput(error: unknown): boolean;
}
