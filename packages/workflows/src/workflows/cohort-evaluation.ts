// The cohort evaluation workflow: pure, deterministic orchestration. Every piece of I/O happens
// in activities; volumes pass by file path. State that crosses continue-as-new is a cursor and
// counts, never per-subject lists.
import {
  ActivityFailure, ApplicationFailure, CancellationScope, condition, continueAsNew, defineQuery, defineSignal,
  isCancellation, proxyActivities, proxyLocalActivities, setHandler, workflowInfo,
} from '@temporalio/workflow';
import type { CohortActivities } from '../activities/cohort-activities.js';
import type { CohortReport, SubjectOutcome } from '../activities/cohort-types.js';
import { RunSpec, type RunSpecInput } from '../run-spec.js';

/** Counters that survive continue-as-new. */
export interface CohortCounts {
  /** Subjects in the plan (0 until planned). */
  total: number;
  /** Subjects evaluated in this run (including earlier runs of the same workflow id chain). */
  done: number;
  /** Subjects whose valid result already existed and were skipped. */
  cached: number;
  /** Subjects that failed with a recorded reason. */
  failed: number;
}

/** The workflow's whole input: the run, plus the carried state when continued-as-new. */
export interface CohortEvaluationInput {
  spec: RunSpecInput;
  /** Index of the next subject to dispatch in the plan. */
  cursor?: number;
  counts?: CohortCounts;
  paused?: boolean;
  /** Workflow time (ms) at which the first run started. */
  startedAtMs?: number;
  /** How many times this run has continued-as-new. */
  generation?: number;
}

/** What the `progress` query returns. */
export interface CohortProgress {
  runId: string;
  total: number;
  done: number;
  cached: number;
  failed: number;
  running: number;
  remaining: number;
  paused: boolean;
  phase: 'planning' | 'evaluating' | 'aggregating' | 'finished';
  /** Estimated seconds to finish, from the mean time per evaluated subject; null until known. */
  etaSeconds: number | null;
  /** How many times the workflow has continued-as-new so far. */
  continuedAsNew: number;
}

/** The workflow's result. */
export interface CohortEvaluationResult {
  runId: string;
  counts: CohortCounts;
  /** How many times the run continued-as-new. */
  continuedAsNew: number;
  report: CohortReport;
}

export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
export const progressQuery = defineQuery<CohortProgress>('progress');

/**
 * Evaluates a model package over a cohort: plan → per subject (prepare → infer → measure) with
 * bounded concurrency → aggregate reports. Bad input fails only its subject; transient failures
 * retry with backoff; the run continues-as-new when Temporal suggests it.
 */
export async function cohortEvaluation(input: CohortEvaluationInput): Promise<CohortEvaluationResult> {
  const parsed = RunSpec.safeParse(input.spec);
  if (!parsed.success) {
    throw ApplicationFailure.nonRetryable(`invalid run: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, 'ZodError');
  }
  const spec = parsed.data;
  const counts: CohortCounts = input.counts ?? { total: 0, done: 0, cached: 0, failed: 0 };
  let cursor = input.cursor ?? 0;
  let paused = input.paused ?? false;
  const startedAtMs = input.startedAtMs ?? Date.now();
  const continuedAsNew = input.generation ?? 0;
  let running = 0;
  let phase: CohortProgress['phase'] = 'planning';
  let evaluatedHere = 0;
  let evaluatedMsHere = 0;

  // Bad input arrives as a non-retryable ApplicationFailure (the activities classify the compute's
  // errors where they catch them); everything else is retried with backoff.
  const retry = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: spec.maxAttempts };
  const orchestration = proxyActivities<CohortActivities>({ startToCloseTimeout: spec.timeouts.orchestration * 1000, retry });
  // The short per-subject steps (hash and validate, measure, record a failure, list a page) run as
  // local activities on the orchestrating worker: no round trip through the server's task queue.
  const local = proxyLocalActivities<CohortActivities>({ startToCloseTimeout: spec.timeouts.orchestration * 1000, retry });
  const inference = proxyActivities<CohortActivities>({
    taskQueue: spec.inferenceTaskQueue ?? workflowInfo().taskQueue,
    startToCloseTimeout: spec.timeouts.inference * 1000, heartbeatTimeout: spec.timeouts.heartbeat * 1000, retry,
  });

  setHandler(pauseSignal, () => void (paused = true));
  setHandler(resumeSignal, () => void (paused = false));
  setHandler(progressQuery, (): CohortProgress => {
    const remaining = Math.max(0, counts.total - counts.done - counts.cached - counts.failed);
    const perSubjectMs = evaluatedHere > 0 ? evaluatedMsHere / evaluatedHere : null;
    return {
      runId: spec.runId, ...counts, running, remaining, paused, phase, continuedAsNew,
      etaSeconds: perSubjectMs === null ? null : Math.round((remaining * perSubjectMs) / 1000 / spec.concurrency),
    };
  });

  const plan = await orchestration.planCohort(spec);
  counts.total = plan.total;
  phase = 'evaluating';

  const evaluateOne = async (subjectId: string): Promise<SubjectOutcome> => {
    const t0 = Date.now();
    try {
      const ref = { spec, subjectId };
      const prepared = await local.prepareSubject(ref);
      if (prepared.status === 'cached') return { subjectId, status: 'cached' };
      const inferred = await inference.inferSubject(ref, prepared);
      await local.measureSubject(ref, inferred);
      evaluatedHere++;
      evaluatedMsHere += Date.now() - t0;
      return { subjectId, status: 'done' };
    } catch (err) {
      if (isCancellation(err)) throw err;
      const reason = err instanceof ActivityFailure && err.cause ? err.cause.message : (err as Error).message;
      await local.recordSubjectFailure({ spec, subjectId }, reason);
      return { subjectId, status: 'failed', reason };
    }
  };

  // Pages of subjects; within a page, at most `concurrency` at once.
  while (cursor < plan.total) {
    const page = await local.listSubjects(spec, cursor, spec.pageSize);
    let next = 0;
    const lane = async () => {
      for (;;) {
        await condition(() => !paused);
        // Another lane may have taken the last subject while this one waited.
        if (next >= page.length) return;
        const subjectId = page[next++]!;
        running++;
        try {
          const outcome = await evaluateOne(subjectId);
          counts[outcome.status]++;
        } finally {
          running--;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(spec.concurrency, page.length) }, lane));
    cursor += page.length;
    if (cursor < plan.total && workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof cohortEvaluation>({ spec, cursor, counts, paused, startedAtMs, generation: continuedAsNew + 1 });
    }
  }

  phase = 'aggregating';
  const report = await CancellationScope.nonCancellable(() => orchestration.aggregateCohort(spec));
  phase = 'finished';
  return { runId: spec.runId, counts, continuedAsNew, report };
}
