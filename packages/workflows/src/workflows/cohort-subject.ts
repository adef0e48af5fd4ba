// One subject of a cohort as its own (child) workflow: prepare → infer → measure, or record why it
// failed. It reports its outcome to the cohort workflow with a signal, so the cohort keeps a
// sliding window of subjects in flight across its continue-as-new generations (a new generation
// cannot await the children of the one before; a signal to the workflow id reaches the newest).
import {
  ActivityFailure, defineSignal, getExternalWorkflowHandle, isCancellation, proxyActivities, proxyLocalActivities, workflowInfo,
} from '@temporalio/workflow';
import type { CohortActivities } from '../activities/cohort-activities.js';
import type { SubjectOutcome } from '../activities/cohort-types.js';
import type { RunSpec } from '../run-spec.js';

/** What a subject workflow tells its cohort: no subject id (a plan index) and no failure text. */
export interface SubjectFinished {
  /** The subject's index in the run's plan. */
  index: number;
  status: SubjectOutcome['status'];
  /** Workflow time the subject took, in ms (for the cohort's ETA). */
  ms: number;
}

export const subjectFinishedSignal = defineSignal<[SubjectFinished]>('subjectFinished');

/** The input of {@link cohortSubject}. */
export interface CohortSubjectInput {
  spec: RunSpec;
  subjectId: string;
  index: number;
  /** Workflow id of the cohort workflow to report to (its newest run receives the signal). */
  cohortWorkflowId: string;
}

/** The child workflow id of a subject: the cohort's id and the plan index (never the subject id). */
export function subjectWorkflowId(cohortWorkflowId: string, index: number): string {
  return `${cohortWorkflowId}.subject-${index}`;
}

/**
 * Evaluates one subject. Bad input (a non-retryable failure from the activities) and exhausted
 * retries record a failure for the subject and end this workflow normally; a cancellation ends it
 * CANCELLED without a report.
 */
export async function cohortSubject(input: CohortSubjectInput): Promise<SubjectOutcome> {
  const { spec, subjectId, index } = input;
  const retry = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: spec.maxAttempts };
  // The short steps run as local activities on the worker running this workflow; inference goes
  // to the inference task queue (or this workflow's own).
  const local = proxyLocalActivities<CohortActivities>({ startToCloseTimeout: spec.timeouts.orchestration * 1000, retry });
  const inference = proxyActivities<CohortActivities>({
    taskQueue: spec.inferenceTaskQueue ?? workflowInfo().taskQueue,
    startToCloseTimeout: spec.timeouts.inference * 1000, heartbeatTimeout: spec.timeouts.heartbeat * 1000, retry,
  });
  const t0 = Date.now();
  let outcome: SubjectOutcome;
  try {
    const ref = { spec, subjectId };
    const prepared = await local.prepareSubject(ref);
    if (prepared.status === 'cached') {
      outcome = { subjectId, status: 'cached' };
    } else {
      const inferred = await inference.inferSubject(ref, prepared);
      await local.measureSubject(ref, inferred);
      outcome = { subjectId, status: 'done' };
    }
  } catch (err) {
    if (isCancellation(err)) throw err;
    const reason = err instanceof ActivityFailure && err.cause ? err.cause.message : (err as Error).message;
    await local.recordSubjectFailure({ spec, subjectId }, reason);
    outcome = { subjectId, status: 'failed', reason };
  }
  const finished: SubjectFinished = { index, status: outcome.status, ms: Date.now() - t0 };
  try {
    await getExternalWorkflowHandle(input.cohortWorkflowId).signal(subjectFinishedSignal, finished);
  } catch (err) {
    // The cohort is gone (terminated, or cancelled while this subject finished): the result is on
    // disk either way, and a resumed run finds it.
    if (isCancellation(err)) throw err;
  }
  return outcome;
}
