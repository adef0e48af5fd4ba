// One start of the service: pure orchestration. Unpack the upload → segment it (on the inference
// task queue) → zip the RTSTRUCT; on failure, record it. The run id is the workflow id; the input
// holds ids and paths under the service's folder, never patient data.
import {
  ActivityFailure, ApplicationFailure, CancellationScope, defineQuery, isCancellation, proxyActivities, setHandler,
} from '@temporalio/workflow';
import type { ServeActivities } from '../activities/serve-activities.js';
import type { ServeRunOutcome } from '../activities/serve-types.js';

/** The workflow's input. */
export interface ServeRequestInput {
  runId: string;
  runDir: string;
  modelId: string;
  modelDir: string;
  /** Task queue of the segmentation activity. Default: the workflow's. */
  inferenceTaskQueue?: string;
  /** Attempts of each step on failures that are not the upload's fault. Default 3. */
  maxAttempts?: number;
  /** Longest one segmentation may run, in seconds. Default 3600. */
  inferenceTimeoutS?: number;
  /** A segmentation whose worker sends no heartbeat for this long is retried elsewhere, in seconds. Default 60. */
  heartbeatTimeoutS?: number;
}

/** Where a run is, for the status route. */
export type ServePhase = 'unpacking' | 'segmenting' | 'packaging' | 'recording' | 'finished';
export const servePhaseQuery = defineQuery<ServePhase>('servePhase');

/** The failure type of bad input (the same string as the activities' `BAD_UPLOAD`). */
const BAD_UPLOAD = 'InvalidZipFile';

export async function serveRequest(input: ServeRequestInput): Promise<ServeRunOutcome> {
  let phase: ServePhase = 'unpacking';
  setHandler(servePhaseQuery, () => phase);
  const retry = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: input.maxAttempts ?? 3 };
  const files = proxyActivities<ServeActivities>({ startToCloseTimeout: '10m', retry });
  const inference = proxyActivities<ServeActivities>({
    taskQueue: input.inferenceTaskQueue, startToCloseTimeout: (input.inferenceTimeoutS ?? 3600) * 1000, heartbeatTimeout: (input.heartbeatTimeoutS ?? 60) * 1000, retry,
  });
  const ref = { runId: input.runId, runDir: input.runDir };
  try {
    const unpacked = await files.unpackUpload(ref);
    phase = 'segmenting';
    const segmented = await inference.segmentStudy({ ...ref, modelId: input.modelId, modelDir: input.modelDir }, unpacked);
    phase = 'packaging';
    await files.packageResult(ref, segmented);
    phase = 'finished';
    return { runId: input.runId, outcome: 'succeeded' };
  } catch (err) {
    if (isCancellation(err)) {
      phase = 'recording';
      await CancellationScope.nonCancellable(() => files.recordFailure(ref, 'RunCancelled'));
      phase = 'finished';
      throw err;
    }
    const cause = err instanceof ActivityFailure ? err.cause : undefined;
    const code = cause instanceof ApplicationFailure && cause.type === BAD_UPLOAD ? 'InvalidZipFile' : 'InternalError';
    phase = 'recording';
    await files.recordFailure(ref, code);
    phase = 'finished';
    return { runId: input.runId, outcome: 'failed', code };
  }
}
