import path from 'node:path';
import {
  aggregateRunReports, cohortWorkflowId, createCohortActivities, progressQuery, RunFolder, RunFolderError,
  type CohortDeps, type CohortEvaluationResult,
} from '@seahorse/workflows';
import { z } from 'zod';
import { createSeahorseWorker } from '../seahorse-worker.js';
import { CliError, EXIT } from './cli-error.js';
import { printRunSummary, readRunSpec, runToCompletion } from './evaluate-command.js';
import { loadRunRecord, type RunRecord } from './run-registry.js';
import { openTemporalTarget, type TemporalTarget } from './temporal-target.js';

type MakeDeps = () => CohortDeps & { close?: () => Promise<void> };

async function targetFor(record: RunRecord, tls: { tls?: boolean; tlsCert?: string; tlsKey?: string; tlsCa?: string } = {}): Promise<TemporalTarget> {
  return await openTemporalTarget({ address: record.address, namespace: record.namespace, tls: tls.tls ?? false, tlsCert: tls.tlsCert, tlsKey: tls.tlsKey, tlsCa: tls.tlsCa }, path.join(record.out, '.temporal'));
}


/** `seahorse status <run-id>`: the workflow's state, and the counts on disk (or live progress when workers are up). */
export async function statusCommand(runId: string, log: (l: string) => void = console.log): Promise<void> {
  const record = loadRunRecord(runId);
  const target = await targetFor(record);
  try {
    const handle = target.client.workflow.getHandle(cohortWorkflowId(runId));
    let status = 'NOT STARTED';
    try {
      status = (await handle.describe()).status.name;
    } catch {
      // Unknown to this server (for example after its retention period): fall back to the files.
    }
    log(`run ${runId}: ${status}`);
    log(`output: ${record.out}`);
    if (status === 'RUNNING' && !target.embedded) {
      const p = await handle.query(progressQuery).catch(() => undefined);
      if (p) {
        log(`progress: ${p.done + p.cached + p.failed}/${p.total} (done ${p.done}, cached ${p.cached}, failed ${p.failed}, running ${p.running}${p.paused ? ', paused' : ''}), ETA ${p.etaSeconds ?? '—'} s`);
        return;
      }
    }
    const c = new RunFolder(record.out).status();
    log(`subjects: ${c.planned} planned, ${c.withResults} with results, ${c.failed} failed, ${c.toDo} to do`);
    if (status === 'RUNNING' && target.embedded) log(`it continues when you run 'seahorse resume ${runId}'`);
  } finally {
    await target.close();
  }
}

/** `seahorse resume <run-id>`: finishes only what is missing or failed. */
export async function resumeCommand(runId: string, makeDeps: MakeDeps, log: (l: string) => void = console.log): Promise<CohortEvaluationResult> {
  const record = loadRunRecord(runId);
  const spec = { ...readRunSpec(record.out), force: false };
  const target = await targetFor(record);
  try {
    const result = await runToCompletion({ target, spec, taskQueue: record.taskQueue, mode: 'resume', deps: makeDeps, localWorker: !!target.embedded, log });
    printRunSummary(result, log, target.embedded?.uiUrl);
    return result;
  } finally {
    await target.close();
  }
}

/** `seahorse cancel <run-id>`: cancels the run cleanly; finished subjects keep their results. */
export async function cancelCommand(runId: string, makeDeps: MakeDeps, log: (l: string) => void = console.log): Promise<void> {
  const record = loadRunRecord(runId);
  const target = await targetFor(record);
  try {
    const handle = target.client.workflow.getHandle(cohortWorkflowId(runId));
    const status = (await handle.describe().catch(() => undefined))?.status.name;
    if (status !== 'RUNNING') throw new CliError(`run ${runId} is not running (${status ?? 'unknown to Temporal'})`, EXIT.failed);
    await handle.cancel();
    if (target.embedded) {
      // The cancellation is processed by a worker: run one until the workflow has closed.
      const deps = makeDeps();
      const w = await createSeahorseWorker({ address: target.address, namespace: target.namespace, taskQueue: record.taskQueue, activities: createCohortActivities(deps) });
      await w.worker.runUntil(handle.result().catch(() => undefined));
      await w.connection.close();
      await deps.close?.();
    }
    log(`run ${runId}: cancelled; results already written under ${record.out} are kept`);
  } finally {
    await target.close();
  }
}

/** `seahorse report <out>`: rebuilds every report from the per-subject results, without Temporal. */
export async function reportCommand(out: string, makeDeps: MakeDeps, log: (l: string) => void = console.log): Promise<void> {
  const folder = new RunFolder(path.resolve(out));
  const spec = readRunSpec(folder.out);
  const deps = makeDeps();
  try {
    const report = await aggregateRunReports(deps, folder).catch((err: unknown) => {
      throw err instanceof RunFolderError ? new CliError(err.message) : err;
    });
    const total = report.subjectsWithResults + report.subjectsFailed;
    printRunSummary({ runId: spec.runId, counts: { total, done: report.subjectsWithResults, cached: 0, failed: report.subjectsFailed }, continuedAsNew: 0, report }, log);
  } finally {
    await deps.close?.();
  }
}

export const RunIdArg = z.string().min(1);
