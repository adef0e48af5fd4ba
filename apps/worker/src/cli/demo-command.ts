import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '@seahorse/files';
import { generatePhantomCohort } from '@seahorse/phantoms';
import { inferenceTaskQueueOf, RunSpec, type CohortDeps, type CohortEvaluationResult } from '@seahorse/workflows';
import { z } from 'zod';
import { CliError } from './cli-error.js';
import { printRunSummary, runToCompletion } from './evaluate-command.js';
import { openTemporalTarget, TemporalTargetOptions } from './temporal-target.js';

/**
 * The demo's own defaults: 20 phantoms of seed 2026, two at a time (each with one onnxruntime
 * thread per session, so the two cores of a small machine are both busy).
 */
export const DEMO_DEFAULTS = { out: 'demo-out', subjects: 20, seed: 2026, concurrency: 2, taskQueue: 'seahorse-demo' } as const;

export const DemoOptions = TemporalTargetOptions.extend({
  out: z.string().min(1).default(DEMO_DEFAULTS.out),
  subjects: z.coerce.number().int().min(1).max(1000).default(DEMO_DEFAULTS.subjects),
  seed: z.coerce.number().int().min(0).max(0xffffffff).default(DEMO_DEFAULTS.seed),
  concurrency: z.coerce.number().int().min(1).max(16).default(DEMO_DEFAULTS.concurrency),
  model: z.string().optional(),
});
export type DemoOptions = z.input<typeof DemoOptions>;

/** The committed demo ensemble: `$SEAHORSE_DEMO_MODEL`, else `<repo>/models/demo`. */
export function demoModelDir(): string {
  if (process.env.SEAHORSE_DEMO_MODEL) return path.resolve(process.env.SEAHORSE_DEMO_MODEL);
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'nx.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new CliError('demo model not found: set SEAHORSE_DEMO_MODEL to a model package folder');
    dir = parent;
  }
  return path.join(dir, 'models', 'demo');
}

/**
 * `seahorse demo`: Seahorse end to end on a fresh machine, with nothing to download or bring.
 * 1. generates a phantom cohort (deterministic from --seed) in `<out>/data` (skipped when there);
 * 2. starts the embedded Temporal dev server and an in-process worker;
 * 3. evaluates the committed demo ensemble on it, durably (run again: only what is missing runs);
 * 4. prints the model-card table and where the report, plots and Web UI are.
 */
export async function demoCommand(raw: unknown, makeDeps: () => CohortDeps & { close?: () => Promise<void> }, log: (line: string) => void = console.log): Promise<CohortEvaluationResult> {
  const o = DemoOptions.parse(raw);
  const out = path.resolve(o.out);
  const model = o.model ? path.resolve(o.model) : demoModelDir();
  if (!existsSync(path.join(model, 'model.json'))) {
    throw new CliError(`no model package at ${model} (model.json missing); rebuild it with 'bash tools/train/build-demo-model.sh'`);
  }
  const data = path.join(out, 'data');
  const stamp = JSON.stringify({ subjects: o.subjects, seed: o.seed });
  const stampFile = path.join(data, 'demo-cohort.json');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
    log(`seahorse demo: phantom cohort already in ${data}`);
  } else {
    log(`seahorse demo: generating ${o.subjects} phantom heads (seed ${o.seed}) in ${data}`);
    generatePhantomCohort({ outDir: data, subjects: o.subjects, seed: o.seed });
    writeFileAtomic(stampFile, stamp);
  }
  const spec = RunSpec.parse({
    runId: `demo-${o.seed}-${o.subjects}`, dataset: path.join(data, 'dataset.csv'), model, out: path.join(out, 'run'),
    concurrency: o.concurrency, inferenceTaskQueue: inferenceTaskQueueOf(DEMO_DEFAULTS.taskQueue),
  });
  const target = await openTemporalTarget(o, path.join(out, '.temporal'));
  try {
    if (target.embedded) log(`seahorse demo: Temporal dev server ${target.address}, Web UI ${target.embedded.uiUrl}`);
    const result = await runToCompletion({ target, spec, taskQueue: DEMO_DEFAULTS.taskQueue, mode: 'resume', deps: makeDeps, localWorker: true, log });
    printRunSummary(result, log, target.embedded?.uiUrl);
    return result;
  } finally {
    await target.close();
  }
}
