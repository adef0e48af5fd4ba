// The cohort evaluation workflow: pure, deterministic orchestration. Every piece of I/O happens
// in activities; volumes pass by file path. A sliding window: `concurrency` subjects are in flight
// at all times, each as a child workflow (cohort-subject.ts) that signals its outcome back, and
// the window is carried across continue-as-new (the children are abandoned by a closing run and
// report to the next). State that crosses continue-as-new is a cursor, counts and the plan
// indices in flight (at most `concurrency`), never per-subject lists.
import {
  ApplicationFailure, CancellationScope, condition, continueAsNew, defineQuery, defineSignal,
  getExternalWorkflowHandle, isCancellation, ParentClosePolicy, patched, proxyActivities, proxyLocalActivities, setHandler,
  startChild, workflowInfo, allHandlersFinished,
} from '@temporalio/workflow';
import type { CohortActivities } from '../activities/cohort-activities.js';
import type { CohortReport } from '../activities/cohort-types.js';
import { RunSpec, type RunSpecInput } from '../run-spec.js';
import { cohortSubject, subjectFinishedSignal, subjectWorkflowId, type SubjectFinished } from './cohort-subject.js';

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
  /** Plan indices of subjects dispatched by an earlier generation whose outcome has not arrived. */
  inFlight?: number[];
}

/** What the `progress` query returns. */
export interface CohortProgress {
  runId: string;
  total: number;
  done: number;
  cached: number;
  failed: number;
  /** Subjects in flight (dispatched, outcome not yet reported). */
  running: number;
  /** Subjects dispatched so far (the plan index of the next one). */
  dispatched: number;
  remaining: number;
  paused: boolean;
  phase: 'planning' | 'evaluating' | 'aggregating' | 'finished';
  /** Estimated seconds to finish, from the mean time per evaluated subject; null until known. */
  etaSeconds: number | null;
  /** How many times the workflow has continued-as-new so far. */
  continuedAsNew: number;
  /** The subject window: at most this many in flight. */
  concurrency: number;
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

/** A generation continues-as-new past this many events even if the server does not suggest it. */
export const HISTORY_EVENTS_CAP = 8_000;

/**
 * Evaluates a model package over a cohort: plan → a sliding window of `concurrency` subject
 * workflows (prepare → infer → measure) → aggregate reports. A slow subject holds one slot, never
 * the others. Bad input fails only its subject; transient failures retry with backoff; the run
 * continues-as-new when Temporal suggests it (or at {@link HISTORY_EVENTS_CAP} events) without
 * draining the window. Cancelling the run cancels the subjects in flight.
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
  const inFlight = new Set<number>(input.inFlight ?? []);
  let phase: CohortProgress['phase'] = 'planning';
  let evaluatedHere = 0;
  let evaluatedMsHere = 0;
  const cohortId = workflowInfo().workflowId;

  // Bad input arrives as a non-retryable ApplicationFailure (the activities classify the compute's
  // errors where they catch them); everything else is retried with backoff.
  const retry = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: spec.maxAttempts };
  const orchestration = proxyActivities<CohortActivities>({ startToCloseTimeout: spec.timeouts.orchestration * 1000, retry });
  // Listing a page of the plan runs as a local activity: no round trip through the task queue.
  const local = proxyLocalActivities<CohortActivities>({ startToCloseTimeout: spec.timeouts.orchestration * 1000, retry });

  setHandler(pauseSignal, () => void (paused = true));
  setHandler(progressQuery, (): CohortProgress => {
    const remaining = Math.max(0, counts.total - counts.done - counts.cached - counts.failed);
    const perSubjectMs = evaluatedHere > 0 ? evaluatedMsHere / evaluatedHere : null;
    return {
      runId: spec.runId, ...counts, running: inFlight.size, dispatched: cursor, remaining, paused, phase, continuedAsNew,
      concurrency: spec.concurrency,
      etaSeconds: perSubjectMs === null ? null : Math.round((remaining * perSubjectMs) / 1000 / spec.concurrency),
    };
  });

  const plan = await orchestration.planCohort(spec);
  counts.total = plan.total;
  phase = 'evaluating';

  const historyFull = () => {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength > HISTORY_EVENTS_CAP;
  };
  // Pages of the plan's subject ids, fetched once each as the window reaches them.
  const pages = new Map<number, Promise<string[]>>();
  const subjectIdAt = async (index: number): Promise<string> => {
    const page = Math.floor(index / spec.pageSize);
    let ids = pages.get(page);
    if (!ids) {
      for (const old of pages.keys()) if (old < page - 1) pages.delete(old);
      ids = local.listSubjects(spec, page * spec.pageSize, spec.pageSize);
      pages.set(page, ids);
    }
    return (await ids)[index - page * spec.pageSize]!;
  };
  const dispatch = async (index: number): Promise<void> => {
    const subjectId = await subjectIdAt(index);
    try {
      await startChild(cohortSubject, {
        workflowId: subjectWorkflowId(cohortId, index),
        args: [{ spec, subjectId, index, cohortWorkflowId: cohortId }],
        // The child outlives a generation that continues-as-new; cancellation is forwarded below.
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
    } catch (err) {
      // Still running from an earlier execution of this run (e.g. one that was terminated): it
      // reports to this workflow id when it finishes. (@temporalio/common's
      // WorkflowExecutionAlreadyStartedError, which the sandbox may not import.)
      if ((err as Error).name !== 'WorkflowExecutionAlreadyStartedError') throw err;
    }
  };
  // Child starts in progress; awaited by the main loop (a failure to start fails the run).
  let starting: Promise<void>[] = [];
  // Set once the run is cancelled: a subject that reports while the cancellation is forwarded
  // frees its slot, but nothing new is dispatched.
  let stopping = false;
  // Once the history is full nothing new starts either, so the starts in progress drain and the
  // run continues-as-new; otherwise, at a high concurrency, each subject's report refills its slot
  // and continue-as-new waits while the history keeps growing (11,487 events at concurrency 64).
  // (`patched`: a run whose history predates this replays as it ran.)
  const draining = () => historyFull() && patched('history-full-stops-dispatch');
  const canDispatch = () => !stopping && !paused && !draining() && cursor < counts.total && inFlight.size < spec.concurrency;
  /** Claims every free slot at once, in the same activation that freed it (so no slot idles). */
  const fill = () => {
    while (canDispatch()) {
      const index = cursor++;
      inFlight.add(index);
      const started = dispatch(index);
      // Marked handled here: a start that the run's cancellation rejects, in the activation the
      // cancellation arrives, would otherwise be an unhandled rejection, which fails every
      // workflow task and leaves the run stuck. The main loop still awaits it.
      started.catch(() => undefined);
      starting.push(started);
    }
  };

  setHandler(subjectFinishedSignal, (f: SubjectFinished) => {
    // A duplicate or stray report (not in flight here) changes nothing.
    if (!inFlight.delete(f.index)) return;
    counts[f.status]++;
    if (f.status === 'done') {
      evaluatedHere++;
      evaluatedMsHere += f.ms;
    }
    if (phase === 'evaluating') fill();
  });
  setHandler(resumeSignal, () => {
    paused = false;
    if (phase === 'evaluating') fill();
  });

  const finished = () => cursor >= counts.total && inFlight.size === 0;
  try {
    for (;;) {
      fill();
      await condition(() => starting.length > 0 || historyFull() || finished() || canDispatch());
      if (starting.length > 0) {
        const started = starting;
        starting = [];
        await Promise.all(started);
        continue;
      }
      if (finished()) break;
      if (historyFull()) {
        await condition(allHandlersFinished);
        if (starting.length > 0) continue;
        return await continueAsNew<typeof cohortEvaluation>({
          spec, cursor, counts, paused, startedAtMs, generation: continuedAsNew + 1, inFlight: [...inFlight].sort((x, y) => x - y),
        });
      }
    }
  } catch (err) {
    if (isCancellation(err)) {
      stopping = true;
      // Abandoned children do not see the run's cancellation: forward it to each one in flight.
      await CancellationScope.nonCancellable(() => Promise.allSettled(
        [...inFlight].map((index) => getExternalWorkflowHandle(subjectWorkflowId(cohortId, index)).cancel()),
      ));
    }
    throw err;
  }

  phase = 'aggregating';
  const report = await CancellationScope.nonCancellable(() => orchestration.aggregateCohort(spec));
  phase = 'finished';
  return { runId: spec.runId, counts, continuedAsNew, report };
}
