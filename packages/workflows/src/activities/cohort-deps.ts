// What the cohort activities need from the compute packages, injected by the worker
// (apps/worker builds the real ones from @seahorse/io, inference and metrics).

/** A subject as the plan records it: absolute input paths only. */
export interface PlannedSubject {
  id: string;
  /** The image channel(s) the model reads, in model order. */
  images: string[];
  /** Ground truth: one binary mask per structure, or a label map with structure values; null if none. */
  groundTruth:
    | { kind: 'masks'; masks: Record<string, string> }
    | { kind: 'labelMap'; file: string; labels: Record<string, number> }
    | null;
}

/** Progress of a long step, for heartbeats ("patch 3 of 8, member 2 of 5"). */
export interface StepProgress {
  step: string;
  done: number;
  total: number;
}

/**
 * One row of a subject's metrics, named after InnerEye's columns, plus any extra named values
 * (volumes, HD95, …). NaN and ±Infinity are legal values (empty masks).
 */
export interface StructureMetricsRow {
  structure: string;
  DiceNumeric: number;
  HausdorffDistance_mm: number;
  MeanDistance_mm: number;
  [extra: string]: number | string;
}

/** The compute behind the activities. */
export interface CohortDeps {
  /** Reads a dataset manifest (dataset.csv / dataset.json) into planned subjects, in a stable order. */
  loadSubjects(datasetFile: string): Promise<PlannedSubject[]>;
  /** Validates a model package and returns its fingerprint (hash of model.json and members) and foreground class names. */
  describeModel(modelDir: string): Promise<{ fingerprint: string; name: string; version: string; structures: string[] }>;
  /**
   * Loads and checks one subject's inputs (readable, same geometry, binary ground truth); throws a
   * bad-input error (type in BAD_INPUT_ERROR_TYPES) naming the file and field otherwise.
   */
  validateSubject(subject: PlannedSubject, structures: string[]): Promise<void>;
  /** Preprocess + ensemble inference; writes segmentation/posteriors/uncertainty into outDir atomically. */
  segmentSubject(args: {
    subject: PlannedSubject; modelDir: string; outDir: string;
    tiling?: 'innereye' | 'gaussian' | 'whole'; threads?: number;
    onProgress: (p: StepProgress) => void; signal: AbortSignal;
  }): Promise<{ segmentationFile: string }>;
  /** Metrics of a segmentation against the subject's ground truth, per structure. */
  measureSubject(args: { subject: PlannedSubject; segmentationFile: string; structures: string[] }): Promise<StructureMetricsRow[]>;
  /** Writes every report (CSV, Markdown, JSON, plots, report.html) into outDir; returns paths and the Markdown table. */
  writeReports(args: {
    outDir: string;
    results: { subjectId: string; rows: StructureMetricsRow[] }[];
    failures: { subjectId: string; reason: string }[];
    provenance: Record<string, string>;
  }): Promise<{ metricsCsv: string; aggregatesCsv: string; markdownFile: string; reportHtml: string; plots: string[]; markdown: string }>;
}
