import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ExtendedStructureMetrics } from '@seahorse/metrics';
import { describeModel } from './describe-model.js';
import { EnsembleCache } from './ensemble-cache.js';
import { measureSubject } from './measure-subject.js';
import { segmentSubject } from './segment-subject.js';
import type { SubjectInputs } from './subject-inputs.js';
import { validateSubjectInputs } from './validate-subject.js';

/** One subject's metrics, one row per structure of the model. */
export interface SubjectEvaluation {
  readonly subject: string;
  readonly metrics: readonly ExtendedStructureMetrics[];
}

/**
 * Segments subjects with a model package and measures each against its ground truth, one after
 * the other, in this process (no Temporal): the same steps as a durable run's subjects
 * ({@link validateSubjectInputs}, {@link segmentSubject}, {@link measureSubject}), for tools and
 * scripts. The structures are the package's foreground classes; the outputs go to a temporary
 * folder that is removed at the end.
 * @throws the first subject's error (bad input included): use a durable run to go on past bad subjects.
 * @example
 * ```ts
 * const results = await evaluateSubjects('models/demo', loadSubjectInputs('phantoms/dataset.csv'), { threads: 2 });
 * results[0].metrics[0].DiceNumeric;
 * ```
 */
export async function evaluateSubjects(
  modelDir: string, subjects: readonly SubjectInputs[], options: { threads?: number; device?: string; onNotice?: (line: string) => void } = {},
): Promise<SubjectEvaluation[]> {
  const { structures } = await describeModel(modelDir);
  const ensembles = new EnsembleCache({
    ...(options.threads ? { threads: options.threads } : {}), ...(options.device ? { device: options.device } : {}),
    ...(options.onNotice ? { onNotice: options.onNotice } : {}),
  });
  const work = mkdtempSync(path.join(tmpdir(), 'seahorse-evaluate-'));
  try {
    const out: SubjectEvaluation[] = [];
    for (const [i, subject] of subjects.entries()) {
      await validateSubjectInputs(subject, structures);
      const outDir = path.join(work, String(i));
      const { segmentationFile } = await segmentSubject(ensembles, { subject, modelDir, outDir });
      out.push({ subject: subject.id, metrics: measureSubject({ subject, segmentationFile, structures }) });
      rmSync(outDir, { recursive: true, force: true });
    }
    return out;
  } finally {
    await ensembles.close();
    rmSync(work, { recursive: true, force: true });
  }
}
