import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { activityInfo, Context, heartbeat } from '@temporalio/activity';
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import type { RunSpec } from '../run-spec.js';
import type { CohortDeps, PlannedSubject, StructureMetricsRow } from './cohort-deps.js';
import type { CohortPlan, CohortReport, PreparedSubject, SubjectRef } from './cohort-types.js';
import { readJsonIfValid, sha256File, sha256Text, subjectDir, writeJsonAtomic } from './run-files.js';

/** Bump when the meaning of a stored result changes: old results then no longer count as valid. */
export const RESULT_FORMAT_VERSION = 1;

/** `<out>/plan.json`. */
interface PlanFile {
  runId: string;
  dataset: string;
  model: { dir: string; fingerprint: string; name: string; version: string; structures: string[] };
  subjects: PlannedSubject[];
}

/** `<out>/subjects/<id>/metrics.json`: the commit point of a subject, written last. */
export interface SubjectResultFile {
  format: number;
  subjectId: string;
  /** Idempotency key: hash of the input files, the model package and the options. */
  key: string;
  rows: StructureMetricsRow[];
  completedAt: string;
}

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
}

/** Bad input of one subject: not retried, and logged quietly (it is data, not a worker fault). */
function badInput(message: string): ApplicationFailure {
  return ApplicationFailure.create({ message, type: 'BadSubjectInput', nonRetryable: true, category: ApplicationFailureCategory.BENIGN });
}

/**
 * The cohort evaluation's activities, built from injected compute dependencies.
 * All outputs are written atomically under `spec.out`; subjects are identified by plan order.
 */
export function createCohortActivities(deps: CohortDeps, options: CohortActivityOptions = {}) {
  const plans = new Map<string, PlanFile>();
  const emit = (activity: string, outcome: ActivityExecutionEvent['outcome'], subjectId?: string) =>
    options.onEvent?.({ activity, subjectId, attempt: activityInfo().attempt, outcome, pid: process.pid });


  const planPath = (spec: RunSpec) => path.join(spec.out, 'plan.json');
  function loadPlan(spec: RunSpec): PlanFile {
    const file = planPath(spec);
    const cached = plans.get(file);
    if (cached) return cached;
    const plan = readJsonIfValid<PlanFile>(file);
    if (!plan) throw ApplicationFailure.nonRetryable(`plan missing or unreadable: ${file}`, 'BadSubjectInput');
    plans.set(file, plan);
    return plan;
  }
  function subjectOf(spec: RunSpec, subjectId: string): PlannedSubject {
    const subject = loadPlan(spec).subjects.find((s) => s.id === subjectId);
    if (!subject) throw badInput(`subject ${subjectId} is not in ${planPath(spec)}`);
    return subject;
  }
  async function subjectKey(spec: RunSpec, subject: PlannedSubject, fingerprint: string): Promise<string> {
    const files = [...subject.images];
    const gt = subject.groundTruth;
    if (gt?.kind === 'masks') files.push(...Object.keys(gt.masks).sort().map((k) => gt.masks[k]!));
    if (gt?.kind === 'labelMap') files.push(gt.file);
    const hashes: string[] = [];
    for (const f of files) {
      if (!existsSync(f)) throw badInput(`subject ${subject.id}: input file missing: ${f}`);
      hashes.push(await sha256File(f));
    }
    return sha256Text(JSON.stringify({ format: RESULT_FORMAT_VERSION, hashes, gt: gt && { ...gt }, model: fingerprint, inference: spec.inference }));
  }

  return {
    /** Reads the manifest and the model package; writes `<out>/plan.json`. Idempotent. */
    async planCohort(spec: RunSpec): Promise<CohortPlan> {
      emit('planCohort', 'started');
      const file = planPath(spec);
      const existing = readJsonIfValid<PlanFile>(file);
      const model = await deps.describeModel(spec.model);
      let plan: PlanFile;
      if (existing && existing.runId === spec.runId && existing.dataset === spec.dataset && existing.model.fingerprint === model.fingerprint) {
        plan = existing;
      } else {
        const subjects = await deps.loadSubjects(spec.dataset);
        const ids = new Set<string>();
        for (const s of subjects) {
          if (ids.has(s.id)) throw badInput(`${spec.dataset}: subject ${s.id} appears twice`);
          ids.add(s.id);
        }
        plan = { runId: spec.runId, dataset: spec.dataset, model: { dir: spec.model, ...model }, subjects };
        writeJsonAtomic(file, plan);
        writeJsonAtomic(path.join(spec.out, 'run.json'), spec);
      }
      plans.set(file, plan);
      emit('planCohort', 'completed');
      return { total: plan.subjects.length, planFile: file };
    },

    /** Subject ids `[offset, offset + limit)` of the plan. */
    async listSubjects(planFile: string, offset: number, limit: number): Promise<string[]> {
      const plan = readJsonIfValid<PlanFile>(planFile);
      if (!plan) throw ApplicationFailure.nonRetryable(`plan missing or unreadable: ${planFile}`, 'BadSubjectInput');
      return plan.subjects.slice(offset, offset + limit).map((s) => s.id);
    },

    /**
     * Computes the subject's idempotency key; returns `cached` when a valid result with that key
     * exists (and the run is not forced), else validates the inputs and clears stale outputs.
     */
    async prepareSubject(ref: SubjectRef): Promise<PreparedSubject> {
      const { spec, subjectId } = ref;
      emit('prepareSubject', 'started', subjectId);
      const plan = loadPlan(spec);
      const subject = subjectOf(spec, subjectId);
      const key = await subjectKey(spec, subject, plan.model.fingerprint);
      const dir = subjectDir(spec.out, subjectId);
      const result = readJsonIfValid<SubjectResultFile>(path.join(dir, 'metrics.json'));
      if (!spec.force && result?.format === RESULT_FORMAT_VERSION && result.key === key) {
        emit('prepareSubject', 'cached', subjectId);
        return { subjectId, status: 'cached', key };
      }
      try {
        await deps.validateSubject(subject, plan.model.structures);
      } catch (err) {
        emit('prepareSubject', 'failed', subjectId);
        throw badInput((err as Error).message);
      }
      rmSync(path.join(dir, 'metrics.json'), { force: true });
      emit('prepareSubject', 'completed', subjectId);
      return { subjectId, status: 'todo', key, workDir: dir };
    },

    /** Preprocessing and ensemble inference for one subject; heartbeats its progress. */
    async inferSubject(ref: SubjectRef, workDir: string): Promise<{ segmentationFile: string }> {
      const { spec, subjectId } = ref;
      emit('inferSubject', 'started', subjectId);
      const subject = subjectOf(spec, subjectId);
      heartbeat({ step: 'starting', done: 0, total: 1 });
      const out = await deps.segmentSubject({
        subject, modelDir: spec.model, outDir: workDir,
        tiling: spec.inference.tiling, threads: spec.inference.threads,
        onProgress: (p) => heartbeat(p), signal: Context.current().cancellationSignal,
      });
      emit('inferSubject', 'completed', subjectId);
      return out;
    },

    /** Metrics against the ground truth; writes `metrics.json` (the subject's commit point) last. */
    async measureSubject(ref: SubjectRef, key: string): Promise<{ rows: number }> {
      const { spec, subjectId } = ref;
      emit('measureSubject', 'started', subjectId);
      const plan = loadPlan(spec);
      const subject = subjectOf(spec, subjectId);
      const dir = subjectDir(spec.out, subjectId);
      const existing = readJsonIfValid<SubjectResultFile>(path.join(dir, 'metrics.json'));
      if (existing?.format === RESULT_FORMAT_VERSION && existing.key === key) {
        // A retry after a crash between the commit and its report: the commit stands.
        emit('measureSubject', 'cached', subjectId);
        return { rows: existing.rows.length };
      }
      const segmentationFile = path.join(dir, 'segmentation.nii.gz');
      if (!existsSync(segmentationFile)) {
        throw ApplicationFailure.retryable(`segmentation missing for subject ${subjectId}: ${segmentationFile}`, 'MissingSegmentation');
      }
      const rows = subject.groundTruth
        ? await deps.measureSubject({ subject, segmentationFile, structures: plan.model.structures })
        : [];
      const file: SubjectResultFile = { format: RESULT_FORMAT_VERSION, subjectId, key, rows, completedAt: new Date().toISOString() };
      writeJsonAtomic(path.join(dir, 'metrics.json'), file);
      rmSync(path.join(dir, 'failure.json'), { force: true });
      emit('measureSubject', 'completed', subjectId);
      return { rows: rows.length };
    },

    /** Records why a subject failed, in `<out>/subjects/<id>/failure.json`. */
    async recordSubjectFailure(ref: SubjectRef, reason: string): Promise<void> {
      emit('recordSubjectFailure', 'completed', ref.subjectId);
      writeJsonAtomic(path.join(subjectDir(ref.spec.out, ref.subjectId), 'failure.json'), {
        subjectId: ref.subjectId, reason, recordedAt: new Date().toISOString(),
      });
    },

    /** Builds every report from the per-subject files on disk (never from workflow state). */
    async aggregateCohort(spec: RunSpec): Promise<CohortReport> {
      emit('aggregateCohort', 'started');
      const report = await aggregateRunReports(deps, spec);
      emit('aggregateCohort', 'completed');
      return report;
    },
  };
}

export type CohortActivities = ReturnType<typeof createCohortActivities>;

/**
 * Builds a run's reports from its per-subject files alone (`subjects/<id>/metrics.json` and
 * `failure.json`), in plan order. Used by the final activity and by `seahorse report`.
 * @throws Error when `<out>/plan.json` is missing or unreadable.
 */
export async function aggregateRunReports(deps: Pick<CohortDeps, 'writeReports'>, spec: RunSpec): Promise<CohortReport> {
  const planFile = path.join(spec.out, 'plan.json');
  const plan = readJsonIfValid<PlanFile>(planFile);
  if (!plan) throw new Error(`plan missing or unreadable: ${planFile}`);
  const results: { subjectId: string; rows: StructureMetricsRow[] }[] = [];
  const failures: { subjectId: string; reason: string }[] = [];
  for (const s of plan.subjects) {
    const dir = subjectDir(spec.out, s.id);
    const r = readJsonIfValid<SubjectResultFile>(path.join(dir, 'metrics.json'));
    if (r?.format === RESULT_FORMAT_VERSION) {
      results.push({ subjectId: s.id, rows: r.rows });
      continue;
    }
    const f = readJsonIfValid<{ reason: string }>(path.join(dir, 'failure.json'));
    failures.push({ subjectId: s.id, reason: f?.reason ?? 'no result' });
  }
  const written = await deps.writeReports({
    outDir: spec.out, results, failures,
    provenance: {
      runId: spec.runId, dataset: spec.dataset, model: `${plan.model.name} ${plan.model.version}`,
      modelDir: spec.model, modelFingerprint: plan.model.fingerprint, subjects: String(plan.subjects.length),
    },
  });
  return { ...written, subjectsWithResults: results.length, subjectsFailed: failures.length };
}

/** Reads a run's `run.json` (written at planning). */
export function readRunSpecFile(out: string): unknown {
  return JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8'));
}
