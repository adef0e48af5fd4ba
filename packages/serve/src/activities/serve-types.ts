// What the service's workflow and activities pass each other: ids and paths under the service's
// own folder, never patient data.

/** The failure type of bad input: not retried; the results route answers 400 InvalidZipFile. */
export const BAD_UPLOAD = 'InvalidZipFile';

/** One run, as every activity receives it. */
export interface ServeRunRef {
  runId: string;
  /** The run's folder (`<service folder>/runs/<run id>`). */
  runDir: string;
}

/** What `unpackUpload` returns. */
export interface UnpackedUpload {
  inputDir: string;
  files: number;
}

/** What `segmentStudy` returns. */
export interface SegmentedStudy {
  rtstructFile: string;
}

/** How a run ended, as its workflow returns it. */
export interface ServeRunOutcome {
  runId: string;
  outcome: 'succeeded' | 'failed';
  /** Set when failed: InnerEye's `extra_details` for it. */
  code?: 'InvalidZipFile' | 'InternalError';
}
