// The layout of a run on disk, in one place: which files a run folder holds, what each one
// contains (zod schemas, a format version for subject results), and how they are read and written
// (atomically, with Seahorse's one JSON codec). The activities, report building and the CLI's
// `status`, `report` and `resume` all go through {@link RunFolder}.
//
//   <out>/run.json                     the RunSpec (written at planning)
//   <out>/plan.json                    the model's description and the subjects, in a stable order
//   <out>/subjects/<id>/metrics.json   a subject's result: its commit point, written last
//   <out>/subjects/<id>/failure.json   why a subject failed (removed when it succeeds)
//   <out>/subjects/<id>/…              the compute's outputs (segmentation, posteriors, qc.png, viewer.html, …)
//   <out>/viewer/niivue.js             the compute's: NiiVue's script, shared by the subjects' viewer pages
import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { jsonNumber, readJsonFile, writeJsonAtomic } from '@seahorse/files';
import { z } from 'zod';
import { RunSpec } from './run-spec.js';

/** File and folder names inside a run folder. */
export const RUN_FOLDER_FILES = {
  spec: 'run.json',
  plan: 'plan.json',
  subjects: 'subjects',
  result: 'metrics.json',
  failure: 'failure.json',
} as const;

/**
 * Bump when the meaning of a stored result changes: old results then no longer count as valid
 * (their subjects are recomputed, and the reports say so). 2: results carry `volumes`.
 */
export const RESULT_FORMAT_VERSION = 2;

/** A problem with a run folder's files, naming the file and the field. */
export class RunFolderError extends Error {
  override readonly name = 'RunFolderError';
  constructor(
    readonly code: 'NOT_A_RUN_FOLDER' | 'MISSING' | 'INVALID',
    readonly file: string,
    /** What is wrong, with the field path for invalid content. */
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

const AbsolutePath = z.string().min(1);

/**
 * A subject as the plan records it: absolute input paths only. The ground truth is one binary
 * mask per structure, a label map with the structures' values, or none (an unlabelled subject).
 */
export const PlannedSubject = z.object({
  id: z.string().min(1),
  /** The image channel(s) the model reads, in model order. */
  images: z.array(AbsolutePath).min(1),
  groundTruth: z.union([
    z.object({ kind: z.literal('masks'), masks: z.record(z.string(), AbsolutePath) }).strict(),
    z.object({ kind: z.literal('labelMap'), file: AbsolutePath, labels: z.record(z.string(), z.number()) }).strict(),
    z.null(),
  ]),
}).strict();
export type PlannedSubject = z.infer<typeof PlannedSubject>;

/** `<out>/plan.json`. */
export const RunPlan = z.object({
  runId: z.string(),
  dataset: z.string(),
  model: z.object({
    dir: z.string(),
    fingerprint: z.string(),
    name: z.string(),
    version: z.string(),
    structures: z.array(z.string()),
  }).strict(),
  subjects: z.array(PlannedSubject),
}).strict();
export type RunPlan = z.infer<typeof RunPlan>;

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
export const StructureMetricsRow = z.object({
  structure: z.string(),
  DiceNumeric: jsonNumber(),
  HausdorffDistance_mm: jsonNumber(),
  MeanDistance_mm: jsonNumber(),
}).catchall(jsonNumber()) as unknown as z.ZodType<StructureMetricsRow>;

/** One structure's predicted volume: voxel count and mm³ (count × the voxel volume from the affine). */
export interface StructureVolumeRow {
  structure: string;
  voxels: number;
  volume_mm3: number;
}
export const StructureVolumeRow = z.object({
  structure: z.string(),
  voxels: z.number().int().nonnegative(),
  volume_mm3: jsonNumber(),
}).strict() as unknown as z.ZodType<StructureVolumeRow>;

/** `<out>/subjects/<id>/metrics.json`: the commit point of a subject, written last. */
export const SubjectResult = z.object({
  format: z.number(),
  subjectId: z.string(),
  /** Idempotency key: hash of the input files, the model package and the options. */
  key: z.string(),
  /** Metrics against the ground truth, one row per structure; empty for a subject without ground truth. */
  rows: z.array(StructureMetricsRow),
  /** Predicted volumes, one row per structure (labelled or not). */
  volumes: z.array(StructureVolumeRow),
  /** Seconds the subject's inference and measurement took, when known. */
  seconds: z.number().optional(),
  completedAt: z.string(),
}).strict();
export type SubjectResult = z.infer<typeof SubjectResult>;

/** `<out>/subjects/<id>/failure.json`. */
export const FailureRecord = z.object({
  subjectId: z.string(),
  reason: z.string(),
  recordedAt: z.string(),
}).strict();
export type FailureRecord = z.infer<typeof FailureRecord>;

/** Subject ids become folder names: anything outside a safe alphabet is percent-encoded. */
export function subjectFolderName(subjectId: string): string {
  const safe = subjectId.replace(/[^A-Za-z0-9._-]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return safe === '.' || safe === '..' ? `%2e${safe.slice(1)}` : safe;
}

/** Where a run stands on disk, counted over the plan's subjects (not over folders). */
export interface RunFolderStatus {
  /** Subjects in the plan (0 before planning). */
  planned: number;
  /** Subjects with a valid result of the current format. */
  withResults: number;
  /** Subjects without a result that have a failure record. */
  failed: number;
  /** The rest: never started, or interrupted. */
  toDo: number;
}

/** What the final reports are built from, in plan order. */
export interface RunFolderContents {
  plan: RunPlan;
  results: { subjectId: string; rows: StructureMetricsRow[]; volumes: StructureVolumeRow[]; labelled: boolean; seconds?: number }[];
  failures: { subjectId: string; reason: string }[];
}

/**
 * One run's folder. Every read validates with the schemas above; every write is atomic.
 * @example
 * ```ts
 * const run = new RunFolder('/runs/42');
 * run.status(); // { planned: 252, withResults: 250, failed: 1, toDo: 1 }
 * ```
 */
export class RunFolder {
  /** Absolute path of the folder. */
  readonly out: string;
  /** The plan as last read or written, with the file's mtime and size then (a re-planned run is read again). */
  private cachedPlan: { plan: RunPlan; stamp: string } | undefined;

  constructor(out: string) {
    this.out = path.resolve(out);
  }

  get specFile(): string { return path.join(this.out, RUN_FOLDER_FILES.spec); }
  get planFile(): string { return path.join(this.out, RUN_FOLDER_FILES.plan); }
  /** `<out>/subjects/<id>/`: where one subject's outputs go. */
  subjectDir(subjectId: string): string { return path.join(this.out, RUN_FOLDER_FILES.subjects, subjectFolderName(subjectId)); }
  resultFile(subjectId: string): string { return path.join(this.subjectDir(subjectId), RUN_FOLDER_FILES.result); }
  failureFile(subjectId: string): string { return path.join(this.subjectDir(subjectId), RUN_FOLDER_FILES.failure); }

  writeSpec(spec: RunSpec): void {
    writeJsonAtomic(this.specFile, spec);
  }

  /**
   * The run's specification.
   * @throws RunFolderError `NOT_A_RUN_FOLDER` when `run.json` is missing, `INVALID` naming the field.
   */
  readSpec(): RunSpec {
    const r = readJsonFile(this.specFile, RunSpec);
    if (r.status === 'missing') throw new RunFolderError('NOT_A_RUN_FOLDER', this.specFile, `no ${RUN_FOLDER_FILES.spec}: ${this.out} is not a Seahorse run folder`);
    if (r.status === 'invalid') throw new RunFolderError('INVALID', this.specFile, r.reason);
    return r.value;
  }

  writePlan(plan: RunPlan): void {
    writeJsonAtomic(this.planFile, plan);
    this.cachedPlan = { plan, stamp: this.planStamp() };
  }

  private planStamp(): string {
    try {
      const st = statSync(this.planFile);
      return `${st.mtimeMs}:${st.size}:${st.ino}`;
    } catch {
      return 'missing';
    }
  }

  /** The plan, or `undefined` when it is missing or torn (planning will write it again). */
  readPlan(): RunPlan | undefined {
    const r = readJsonFile(this.planFile, RunPlan);
    return r.status === 'ok' ? r.value : undefined;
  }

  /**
   * The plan. It is parsed once and kept while `plan.json` is unchanged (a cohort of 10,000
   * subjects has a plan of megabytes, and every subject's activities need it).
   * @throws RunFolderError `MISSING` or `INVALID` naming the file and field.
   */
  plan(): RunPlan {
    const stamp = this.planStamp();
    if (this.cachedPlan?.stamp === stamp) return this.cachedPlan.plan;
    const r = readJsonFile(this.planFile, RunPlan);
    if (r.status === 'missing') throw new RunFolderError('MISSING', this.planFile, 'the plan is missing: the run was never planned');
    if (r.status === 'invalid') throw new RunFolderError('INVALID', this.planFile, `the plan is unreadable: ${r.reason}`);
    this.cachedPlan = { plan: r.value, stamp };
    return r.value;
  }

  /**
   * A planned subject.
   * @throws RunFolderError `INVALID` when the subject is not in the plan.
   */
  subject(subjectId: string): PlannedSubject {
    const subject = this.plan().subjects.find((s) => s.id === subjectId);
    if (!subject) throw new RunFolderError('INVALID', this.planFile, `subject ${subjectId} is not in the plan`);
    return subject;
  }

  /** A subject's valid result of the current format, else `undefined` (missing, torn, foreign or older format). */
  readResult(subjectId: string): SubjectResult | undefined {
    const r = readJsonFile(this.resultFile(subjectId), SubjectResult);
    return r.status === 'ok' && r.value.format === RESULT_FORMAT_VERSION ? r.value : undefined;
  }

  /**
   * The result format of a subject's `metrics.json` when it is a result of another format than
   * this Seahorse writes (an older Seahorse wrote it), else `undefined` (current, missing or torn).
   */
  otherResultFormat(subjectId: string): number | undefined {
    const r = readJsonFile(this.resultFile(subjectId), z.object({ format: z.number(), subjectId: z.string() }).passthrough());
    return r.status === 'ok' && r.value.format !== RESULT_FORMAT_VERSION ? r.value.format : undefined;
  }

  /** Commits a subject: writes its result (atomically), then removes any failure record. */
  writeResult(result: Omit<SubjectResult, 'format'>): void {
    const file: SubjectResult = { format: RESULT_FORMAT_VERSION, ...result };
    writeJsonAtomic(this.resultFile(result.subjectId), file);
    rmSync(this.failureFile(result.subjectId), { force: true });
  }

  /**
   * Empties a subject's folder before it is computed again: its old result, failure record, outputs
   * and any temporary file a killed writer left behind. Nothing of another subject is touched.
   */
  clearSubject(subjectId: string): void {
    rmSync(this.subjectDir(subjectId), { recursive: true, force: true });
  }

  writeFailure(subjectId: string, reason: string): void {
    const record: FailureRecord = { subjectId, reason, recordedAt: new Date().toISOString() };
    writeJsonAtomic(this.failureFile(subjectId), record);
  }

  readFailure(subjectId: string): FailureRecord | undefined {
    const r = readJsonFile(this.failureFile(subjectId), FailureRecord);
    return r.status === 'ok' ? r.value : undefined;
  }

  /** Counts over the plan's subjects (a run that was never planned counts 0 planned). */
  status(): RunFolderStatus {
    const plan = this.readPlan();
    const counts: RunFolderStatus = { planned: plan?.subjects.length ?? 0, withResults: 0, failed: 0, toDo: 0 };
    for (const s of plan?.subjects ?? []) {
      if (this.readResult(s.id)) counts.withResults++;
      else if (this.readFailure(s.id)) counts.failed++;
      else counts.toDo++;
    }
    return counts;
  }

  /**
   * Every subject's result or failure, in plan order; a subject with neither counts as failed with
   * reason `no result`, or, when its `metrics.json` is of an older result format, a reason that
   * says so and how to recompute it.
   * @throws RunFolderError when the plan is missing or unreadable.
   */
  contents(): RunFolderContents {
    const plan = this.plan();
    const results: RunFolderContents['results'] = [];
    const failures: RunFolderContents['failures'] = [];
    for (const s of plan.subjects) {
      const r = this.readResult(s.id);
      if (r) results.push({ subjectId: s.id, rows: r.rows, volumes: r.volumes, labelled: s.groundTruth !== null, ...(r.seconds === undefined ? {} : { seconds: r.seconds }) });
      else failures.push({ subjectId: s.id, reason: this.readFailure(s.id)?.reason ?? this.missingReason(s.id) });
    }
    return { plan, results, failures };
  }

  private missingReason(subjectId: string): string {
    const format = this.otherResultFormat(subjectId);
    return format === undefined ? 'no result'
      : `${this.resultFile(subjectId)}: a result of format ${format}, written by an older Seahorse (this one reads format ${RESULT_FORMAT_VERSION}); `
        + `'seahorse resume ${this.readPlan()?.runId ?? '<run-id>'}' computes it again`;
  }

  /** Files in a subject's folder (for checks that nothing half-written is left), sorted. */
  subjectFiles(subjectId: string): string[] {
    try {
      return readdirSync(this.subjectDir(subjectId)).sort();
    } catch {
      return [];
    }
  }
}
