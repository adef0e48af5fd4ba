// The one seam between the service's workflow and the compute: read the uploaded DICOM series,
// segment it, write an RTSTRUCT. `apps/worker` implements it with @seahorse/dicom and
// @seahorse/inference; the service itself imports no compute package.

/** Progress a long step reports (sent as the activity's heartbeat). */
export interface ServeStepProgress {
  step: string;
  done: number;
  total: number;
}

/** One study to segment. Paths are under the service's own run folder. */
export interface SegmentStudyJob {
  /** Folder of the unpacked DICOM files (`00001.dcm`, …). */
  inputDir: string;
  /** Model package folder. */
  modelDir: string;
  /** `Name:Version`, written into the RTSTRUCT's SoftwareVersions. */
  modelId: string;
  /** Where the RTSTRUCT goes (written atomically). */
  outFile: string;
  /** A scratch folder of the run for intermediate files (deleted with the upload). */
  workDir: string;
  signal: AbortSignal;
  onProgress: (p: ServeStepProgress) => void;
}

/** What the service needs from the compute. */
export interface ServeCompute {
  /** Reads the series in `job.inputDir`, segments it, writes an RTSTRUCT to `job.outFile`. */
  segmentStudy(job: SegmentStudyJob): Promise<void>;
  /** True for errors that are the upload's fault (a series the reader refuses): not retried, answered with 400. */
  isBadInput(err: unknown): boolean;
}
