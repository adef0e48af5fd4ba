import { existsSync } from 'node:fs';
import { sha256Hex, sha256Path } from '@seahorse/files';
import { activityInfo, Context, heartbeat } from '@temporalio/activity';
import { ApplicationFailure, ApplicationFailureCategory, CancelledFailure } from '@temporalio/common';
import { RESULT_FORMAT_VERSION, RUN_FOLDER_FILES, RunFolder, RunFolderError, type PlannedSubject, type RunPlan } from '../run-folder.js';
import { folderAccessProblem, RUN_FOLDER_NOT_VISIBLE, workerIdentity } from '../run-folder-access.js';
import type { RunSpec } from '../run-spec.js';
import type { CohortDeps, StepProgress } from './cohort-deps.js';
import {
  BAD_SUBJECT_INPUT, type CohortPlan, type CohortReport, type InferredSubject, type MeasuredSubject, type PreparedSubject,
  type SubjectRef, type SubjectToCompute,
} from './cohort-types.js';

/** One line per activity execution, for operators and the fault-injection tests. */
export interface ActivityExecutionEvent {
  activity: string;
  subjectId?: string;
  attempt: number;
  outcome: 'started' | 'completed' | 'cached' | 'failed';
  pid: number;
}

export interface CohortActivityOptions {
  /** Receives each activity execution event (e.g. appended to a JSONL log by the worker). */
  onEvent?: (event: ActivityExecutionEvent) => void;
  /**
   * How often a running inference re-sends its last progress as a heartbeat, in ms. Heartbeat
   * replies are how a worker learns that the run was cancelled, so this bounds (with the worker's
   * heartbeat throttle) how long a cancelled network pass goes on. Default 1000.
   */
  heartbeatEveryMs?: number;
}

/** Bad input of one subject (or of the run): not retried, and logged quietly (it is data, not a worker fault). */
function badInput(message: string, cause?: unknown): ApplicationFailure {
  return ApplicationFailure.create({
    message, type: BAD_SUBJECT_INPUT, nonRetryable: true, category: ApplicationFailureCategory.BENIGN,
    ...(cause instanceof Error ? { cause } : {}),
  });
}

/** The hashes and settings a subject's result depends on; equal keys mean the stored result stands. */
async function subjectKey(spec: RunSpec, subject: PlannedSubject, fingerprint: string): Promise<string> {
  const files = [...subject.images];
  const gt = subject.groundTruth;
  if (gt?.kind === 'masks') files.push(...Object.keys(gt.masks).sort().map((k) => gt.masks[k]!));
  if (gt?.kind === 'labelMap') files.push(gt.file);
  const hashes: string[] = [];
  for (const f of files) {
    if (!existsSync(f)) throw badInput(`subject ${subject.id}: input file missing: ${f}`);
    // A folder (a DICOM series) hashes by its files' names and contents.
    hashes.push(await sha256Path(f));
  }
  const groundTruth = gt === null ? null
    : gt.kind === 'masks' ? { kind: gt.kind, masks: gt.masks } : { kind: gt.kind, file: gt.file, labels: gt.labels };
  return sha256Hex(JSON.stringify({ format: RESULT_FORMAT_VERSION, hashes, gt: groundTruth, model: fingerprint, inference: spec.inference }));
}

/**
 * The cohort evaluation's activities, built from injected compute dependencies. Every file of a
 * run is read and written through {@link RunFolder}; each activity returns what the next one
 * consumes. Errors the compute calls bad input fail their subject once, without retries; any other
 * error is retried by the workflow's retry policy.
 */
export function createCohortActivities(deps: CohortDeps, options: CohortActivityOptions = {}) {
  const folders = new Map<string, RunFolder>();
  const folderOf = (spec: RunSpec) => {
    let f = folders.get(spec.out);
    if (!f) folders.set(spec.out, (f = new RunFolder(spec.out)));
    return f;
  };
  const emit = (activity: string, outcome: ActivityExecutionEvent['outcome'], subjectId?: string) =>
    options.onEvent?.({ activity, subjectId, attempt: activityInfo().attempt, outcome, pid: process.pid });

  /** Runs a step of the compute: its bad input becomes a non-retryable failure; cancellation stays cancellation. */
  async function compute<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof ApplicationFailure || err instanceof CancelledFailure) throw err;
      if (Context.current().cancellationSignal.aborted) throw new CancelledFailure('cancelled while computing', undefined, err as Error);
      if (deps.isBadInput(err)) throw badInput((err as Error).message, err);
      throw err;
    }
  }
  /**
   * The plan of a run, failing the subject (not retrying) when it is unreadable. Every activity
   * after planning starts here: a worker that cannot see the run folder (or its plan) fails the
   * attempt with a retryable {@link RUN_FOLDER_NOT_VISIBLE} failure naming the folder and the
   * worker, so the retry may run on a worker that sees it and the subject is not marked bad.
   */
  function planOf(folder: RunFolder): RunPlan {
    const problem = folderAccessProblem(folder.out) ?? (existsSync(folder.planFile) ? undefined : `has no ${RUN_FOLDER_FILES.plan}`);
    if (problem) {
      throw ApplicationFailure.create({
        type: RUN_FOLDER_NOT_VISIBLE, nonRetryable: false,
        message: `run folder ${folder.out} ${problem} on this worker (${workerIdentity()}): every worker must see the run folders at the same path (a shared filesystem; see docs/deploying.md)`,
      });
    }
    try {
      return folder.plan();
    } catch (err) {
      if (err instanceof RunFolderError) throw badInput(err.message);
      throw err;
    }
  }
  function subjectOf(folder: RunFolder, subjectId: string): PlannedSubject {
    planOf(folder);
    try {
      return folder.subject(subjectId);
    } catch (err) {
      if (err instanceof RunFolderError) throw badInput(err.message);
      throw err;
    }
  }

  return {
    /** Reads the manifest and the model package; writes `<out>/plan.json` and `run.json`. Idempotent. */
    async planCohort(spec: RunSpec): Promise<CohortPlan> {
      emit('planCohort', 'started');
      const folder = folderOf(spec);
      const model = await compute(() => deps.describeModel(spec.model, spec.inference));
      const existing = folder.readPlan();
      if (!(existing && existing.runId === spec.runId && existing.dataset === spec.dataset && existing.model.fingerprint === model.fingerprint)) {
        const subjects = await compute(() => deps.loadSubjects(spec.dataset));
        const ids = new Set<string>();
        for (const s of subjects) {
          if (ids.has(s.id)) throw badInput(`${spec.dataset}: subject ${s.id} appears twice`);
          ids.add(s.id);
        }
        folder.writePlan({ runId: spec.runId, dataset: spec.dataset, model: { dir: spec.model, ...model }, subjects });
        folder.writeSpec(spec);
      }
      emit('planCohort', 'completed');
      return { total: folder.plan().subjects.length, planFile: folder.planFile };
    },

    /** Subject ids `[offset, offset + limit)` of the run's plan. */
    async listSubjects(spec: RunSpec, offset: number, limit: number): Promise<string[]> {
      return planOf(folderOf(spec)).subjects.slice(offset, offset + limit).map((s) => s.id);
    },

    /**
     * Computes the subject's idempotency key; returns `cached` when a valid result with that key
     * exists (and the run is not forced), else validates the inputs and empties the subject's folder.
     */
    async prepareSubject(ref: SubjectRef): Promise<PreparedSubject> {
      const { spec, subjectId } = ref;
      emit('prepareSubject', 'started', subjectId);
      const folder = folderOf(spec);
      const plan = planOf(folder);
      const subject = subjectOf(folder, subjectId);
      const key = await subjectKey(spec, subject, plan.model.fingerprint);
      if (!spec.force && folder.readResult(subjectId)?.key === key) {
        emit('prepareSubject', 'cached', subjectId);
        return { subjectId, status: 'cached', key };
      }
      try {
        await compute(() => deps.validateSubject(subject, plan.model.structures));
      } catch (err) {
        emit('prepareSubject', 'failed', subjectId);
        throw err;
      }
      folder.clearSubject(subjectId);
      emit('prepareSubject', 'completed', subjectId);
      return { subjectId, status: 'todo', key, workDir: folder.subjectDir(subjectId) };
    },

    /**
     * Preprocessing and ensemble inference for one subject. Heartbeats its progress, and re-sends
     * it every `heartbeatEveryMs` during a long network pass, so that a cancellation reaches the
     * pass (which is then stopped) within seconds.
     */
    async inferSubject(ref: SubjectRef, prepared: SubjectToCompute): Promise<InferredSubject> {
      const { spec, subjectId } = ref;
      emit('inferSubject', 'started', subjectId);
      const subject = subjectOf(folderOf(spec), subjectId);
      let last: StepProgress = { step: 'starting', done: 0, total: 1 };
      heartbeat(last);
      const beat = setInterval(() => heartbeat(last), options.heartbeatEveryMs ?? 1000);
      const started = Date.now();
      try {
        const { segmentationFile } = await compute(() => deps.segmentSubject({
          subject, modelDir: spec.model, outDir: prepared.workDir, overrides: spec.inference, device: spec.device,
          onProgress: (p) => heartbeat((last = p)), signal: Context.current().cancellationSignal,
        }));
        emit('inferSubject', 'completed', subjectId);
        return { subjectId, key: prepared.key, segmentationFile, seconds: (Date.now() - started) / 1000 };
      } finally {
        clearInterval(beat);
      }
    },

    /** Metrics (where the subject has ground truth) and volumes of the segmentation the inference step wrote; writes `metrics.json` (the subject's commit point) last. */
    async measureSubject(ref: SubjectRef, inferred: InferredSubject): Promise<MeasuredSubject> {
      const { spec, subjectId } = ref;
      emit('measureSubject', 'started', subjectId);
      const folder = folderOf(spec);
      const plan = planOf(folder);
      const subject = subjectOf(folder, subjectId);
      const existing = folder.readResult(subjectId);
      if (existing?.key === inferred.key) {
        // A retry after a crash between the commit and its report: the commit stands.
        emit('measureSubject', 'cached', subjectId);
        return { subjectId, rows: existing.rows.length };
      }
      if (!existsSync(inferred.segmentationFile)) {
        throw ApplicationFailure.retryable(`segmentation missing for subject ${subjectId}: ${inferred.segmentationFile}`, 'MissingSegmentation');
      }
      const started = Date.now();
      const { rows, volumes } = await compute(() => deps.measureSubject({ subject, segmentationFile: inferred.segmentationFile, structures: plan.model.structures, runDir: folder.out }));
      const seconds = inferred.seconds === undefined ? undefined : inferred.seconds + (Date.now() - started) / 1000;
      folder.writeResult({ subjectId, key: inferred.key, rows, volumes, ...(seconds === undefined ? {} : { seconds }), completedAt: new Date().toISOString() });
      emit('measureSubject', 'completed', subjectId);
      return { subjectId, rows: rows.length };
    },

    /** Records why a subject failed, in `<out>/subjects/<id>/failure.json`. */
    async recordSubjectFailure(ref: SubjectRef, reason: string): Promise<void> {
      emit('recordSubjectFailure', 'completed', ref.subjectId);
      folderOf(ref.spec).writeFailure(ref.subjectId, reason);
    },

    /** Builds every report from the per-subject files on disk (never from workflow state). */
    async aggregateCohort(spec: RunSpec): Promise<CohortReport> {
      emit('aggregateCohort', 'started');
      const report = await aggregateRunReports(deps, folderOf(spec));
      emit('aggregateCohort', 'completed');
      return report;
    },
  };
}

export type CohortActivities = ReturnType<typeof createCohortActivities>;

/**
 * Builds a run's reports from its per-subject files alone, in plan order. Used by the final
 * activity and by `seahorse report`.
 * @throws RunFolderError when `<out>/plan.json` or `run.json` is missing or unreadable.
 */
export async function aggregateRunReports(deps: Pick<CohortDeps, 'writeReports'>, folder: RunFolder): Promise<CohortReport> {
  const spec = folder.readSpec();
  const { plan, results, failures } = folder.contents();
  const written = await deps.writeReports({
    outDir: folder.out, results, failures,
    provenance: {
      runId: spec.runId, dataset: spec.dataset, model: `${plan.model.name} ${plan.model.version}`,
      modelDir: spec.model, modelFingerprint: plan.model.fingerprint, subjects: String(plan.subjects.length),
    },
  });
  return { ...written, subjectsWithResults: results.length, subjectsFailed: failures.length };
}
