// Bad input is classified where the error is caught, by the compute packages' own error classes
// (@seahorse/evaluation's isBadInput), on the real Temporal dev server: each package's bad-input
// error fails its subject after one attempt; a transient error is retried.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { EvaluationOptionError, GroundTruthError, isBadInput } from '@seahorse/evaluation';
import { FileWriteError } from '@seahorse/files';
import { InferenceRuntimeError } from '@seahorse/inference';
import { ModelPackageError } from '@seahorse/model-package';
import { GeometryError, ManifestError, NiftiFormatError, NiftiWriteError, SpaceMismatchError } from '@seahorse/io';
import { MetricsError } from '@seahorse/metrics';
import { PreprocessError } from '@seahorse/preprocess';
import { createCohortActivities, RunFolder, startCohortEvaluation, type ActivityExecutionEvent, type CohortDeps } from '@seahorse/workflows';
import { createSeahorseWorker } from './seahorse-worker.js';
import { syntheticDeps, writeSyntheticCohort } from './testing/synthetic-deps.test-helpers.js';

/** One bad-input error of each compute package, by subject id. */
const BAD: Record<string, () => Error> = {
  nifti: () => new NiftiFormatError('TRUNCATED_GZIP', '/d/nifti.nii.gz', 'file', 'gzip stream ends early'),
  manifest: () => new ManifestError('PATH_ESCAPE', '/d/dataset.csv', 'line 3, column filePath', 'leaves the dataset root'),
  space: () => new SpaceMismatchError('shapeXYZ', 'shapeXYZ differs: /d/a.nii.gz [1, 2, 3] vs /d/b.nii.gz [3, 2, 1]'),
  geometry: () => new GeometryError('affine[0] (row 0, column 0) is NaN, not finite'),
  preprocess: () => new PreprocessError('CONSTANT_IMAGE', '/d/preprocess.nii.gz', 'every voxel is 0'),
  metrics: () => new MetricsError('SHAPE_MISMATCH', 'prediction has shapeZYX [1, 2, 3] but ground truth has [3, 2, 1]'),
  groundtruth: () => new GroundTruthError('/d/groundtruth.nii.gz: ground truth must be binary (0/1), found 2 at voxel index 7'),
  option: () => new EvaluationOptionError('inference.tiling', "inference.tiling: 'tiles' is not a tiling mode"),
  modelpackage: () => new ModelPackageError('HASH_MISMATCH', '/m/model.json', 'members.0.sha256', 'the file was changed'),
  runtime: () => new InferenceRuntimeError('INVALID_OPTIONS', 'model takes 1 input channel(s), got 2 scan(s)'),
  zod: () => z.number().safeParse('not a number').error!,
};
/** Faults a retry may fix, by subject id: thrown on the first attempt only. */
const TRANSIENT: Record<string, () => Error> = {
  flaky: () => new Error('read ECONNRESET'),
  worker: () => new InferenceRuntimeError('WORKER_FAILED', 'onnxruntime session host exited (signal SIGKILL)'),
  disk: () => new NiftiWriteError('WRITE_FAILED', '/o/segmentation.nii.gz', 'file', 'ENOSPC: no space left on device'),
};

describe('bad input is classified by the compute packages\' error classes', () => {
  let connection: Connection;
  let client: Client;
  const dir = mkdtempSync(path.join(tmpdir(), 'seahorse-badinput-'));
  beforeAll(async () => {
    connection = await Connection.connect({ address: inject('temporalAddress') });
    client = new Client({ connection });
  });
  afterAll(async () => {
    await connection?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('isBadInput: every package\'s bad-input error is bad input; write failures, worker faults and plain errors are not', () => {
    for (const [id, make] of Object.entries(BAD)) expect(isBadInput(make()), id).toBe(true);
    for (const [id, make] of Object.entries(TRANSIENT)) expect(isBadInput(make()), id).toBe(false);
    expect(isBadInput(new MetricsError('WRITE_FAILED', 'could not write /o/metrics.csv'))).toBe(false);
    expect(isBadInput(new ModelPackageError('WRITE_FAILED', '/m/model.json', 'file', 'EACCES'))).toBe(false);
    expect(isBadInput(new FileWriteError('/o/x', 'EIO'))).toBe(false);
    expect(isBadInput(new InferenceRuntimeError('CANCELLED', 'cancelled'))).toBe(false);
    // A class that merely shares a bad-input class's name is not one of them.
    class Impostor extends Error { override name = 'NiftiFormatError'; }
    expect(isBadInput(new Impostor('x'))).toBe(false);
  });

  it('each package\'s bad-input error fails its subject after one attempt, with its message; transient errors are retried and succeed', async () => {
    const ids = ['good', ...Object.keys(BAD), ...Object.keys(TRANSIENT)];
    const dataset = writeSyntheticCohort(path.join(dir, 'data'), ids.map((id) => ({ id, value: 90 })));
    const synthetic = syntheticDeps();
    const attempts = new Map<string, number>();
    const deps: CohortDeps = {
      ...synthetic,
      isBadInput,
      async validateSubject(subject, structures) {
        if (subject.id === 'groundtruth') throw BAD.groundtruth!();
        return synthetic.validateSubject(subject, structures);
      },
      async segmentSubject(args) {
        const id = args.subject.id;
        const n = (attempts.get(id) ?? 0) + 1;
        attempts.set(id, n);
        if (id in BAD && id !== 'metrics' && id !== 'groundtruth') throw BAD[id]!();
        if (id in TRANSIENT && n === 1) throw TRANSIENT[id]!();
        return synthetic.segmentSubject(args);
      },
      async measureSubject(args) {
        if (args.subject.id === 'metrics') throw BAD.metrics!();
        return synthetic.measureSubject(args);
      },
    };
    const events: ActivityExecutionEvent[] = [];
    const taskQueue = `badinput-${randomUUID()}`;
    const out = path.join(dir, 'out');
    const { worker, connection: wc } = await createSeahorseWorker({
      address: inject('temporalAddress'), taskQueue, maxConcurrentActivityTaskExecutions: 8,
      activities: createCohortActivities(deps, { onEvent: (e) => events.push(e) }),
    });
    let result;
    try {
      result = await worker.runUntil(async () => (await startCohortEvaluation(client, {
        runId: `bad-${randomUUID().slice(0, 8)}`, dataset, model: dir, out, concurrency: 4,
      }, { taskQueue })).result());
    } finally {
      await wc.close();
    }
    const bad = Object.keys(BAD);
    expect(result.counts).toEqual({ total: ids.length, done: 1 + Object.keys(TRANSIENT).length, cached: 0, failed: bad.length });
    const run = new RunFolder(out);
    const startsOf = (activity: string, id: string) => events.filter((e) => e.subjectId === id && e.activity === activity && e.outcome === 'started').length;
    for (const id of bad) {
      const step = id === 'groundtruth' ? 'prepareSubject' : id === 'metrics' ? 'measureSubject' : 'inferSubject';
      expect(startsOf(step, id), `${id}: attempts of ${step}`).toBe(1);
      expect(run.readFailure(id)?.reason, id).toBe(BAD[id]!().message);
      expect(run.readResult(id), id).toBeUndefined();
    }
    for (const id of Object.keys(TRANSIENT)) {
      expect(startsOf('inferSubject', id), `${id}: attempts`).toBe(2);
      expect(run.readResult(id)?.rows[0]?.DiceNumeric, id).toBe(0.9);
    }
    expect(run.readResult('good')).toBeDefined();
  }, 120_000);
});
