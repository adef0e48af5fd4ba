// Lightweight compute dependencies for orchestration tests and benchmarks: real files, real
// Temporal, but "images" are small JSON files, so thousands of subjects run in minutes. The real
// compute (NIfTI, ONNX, metrics) is wired in apps/worker/src/compute-deps.ts and tested end to end there.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CohortDeps } from '../activities/cohort-deps.js';
import type { PlannedSubject } from '../run-folder.js';

/** A synthetic subject: its "image" holds `value`; `corrupt` makes it unreadable; `unlabelled` leaves its ground truth out of the manifest. */
export interface SyntheticSubject {
  id: string;
  value: number;
  corrupt?: boolean;
  unlabelled?: boolean;
}

/** The synthetic compute's bad-input error: its `isBadInput` knows it by class, as the real compute knows its packages' errors. */
export class SyntheticImageError extends Error {
  override name = 'SyntheticImageError';
}

/** Writes a synthetic cohort (dataset.json + one image and one label file per subject). */
export function writeSyntheticCohort(dir: string, subjects: SyntheticSubject[]): string {
  mkdirSync(dir, { recursive: true });
  for (const s of subjects) {
    writeFileSync(path.join(dir, `${s.id}.img`), s.corrupt ? 'corrupt' : JSON.stringify({ value: s.value }));
    writeFileSync(path.join(dir, `${s.id}.gt`), JSON.stringify({ value: 100 }));
  }
  const file = path.join(dir, 'dataset.json');
  writeFileSync(file, JSON.stringify({ subjects: subjects.map((s) => s.id), unlabelled: subjects.filter((s) => s.unlabelled).map((s) => s.id) }));
  return file;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Options of {@link syntheticDeps}. */
export interface SyntheticDepsOptions {
  /** Simulated inference per subject, in ms. Default 0. */
  inferMs?: number;
  /** Per-subject inference time, overriding `inferMs` (e.g. one subject 20× slower). */
  inferMsOf?: (subjectId: string) => number;
  /** Heartbeated steps of the simulated inference. Default 4. */
  steps?: number;
  /** Busy-wait instead of sleeping: CPU-bound inference, for scale-out benchmarks. */
  burnCpu?: boolean;
}

function burn(ms: number): void {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x += Math.sqrt(x + 1);
  if (x < 0) console.log(x);
}

/** Synthetic compute: `inferMs` of simulated inference per subject, in `steps` heartbeated steps. */
export function syntheticDeps(options: SyntheticDepsOptions = {}): CohortDeps {
  const steps = options.steps ?? 4;
  const read = (file: string) => {
    const text = readFileSync(file, 'utf8');
    try {
      return JSON.parse(text) as { value: number };
    } catch {
      throw new SyntheticImageError(`${file}: not a valid image (field: magic)`);
    }
  };
  return {
    async loadSubjects(datasetFile) {
      const dir = path.dirname(datasetFile);
      const { subjects, unlabelled = [] } = JSON.parse(readFileSync(datasetFile, 'utf8')) as { subjects: string[]; unlabelled?: string[] };
      return subjects.map((id): PlannedSubject => ({
        id, images: [path.join(dir, `${id}.img`)],
        groundTruth: unlabelled.includes(id) ? null : { kind: 'masks', masks: { structure_A: path.join(dir, `${id}.gt`) } },
      }));
    },
    async describeModel(modelDir, _overrides) {
      return { fingerprint: `synthetic:${modelDir}`, name: 'synthetic', version: '1', structures: ['structure_A'] };
    },
    async validateSubject(subject) {
      for (const f of subject.images) read(f);
    },
    async segmentSubject({ subject, outDir, onProgress, signal }) {
      const { value } = read(subject.images[0]!);
      const inferMs = options.inferMsOf?.(subject.id) ?? options.inferMs ?? 0;
      for (let i = 0; i < steps; i++) {
        if (signal.aborted) throw new Error('cancelled');
        onProgress({ step: 'patch', done: i, total: steps });
        if (inferMs > 0 && options.burnCpu) burn(inferMs / steps);
        else if (inferMs > 0) await sleep(inferMs / steps);
      }
      mkdirSync(outDir, { recursive: true });
      const file = path.join(outDir, 'segmentation.nii.gz');
      writeFileSync(`${file}.tmp`, JSON.stringify({ value }));
      renameSync(`${file}.tmp`, file);
      return { segmentationFile: file };
    },
    async measureSubject({ subject, segmentationFile }) {
      const { value } = JSON.parse(readFileSync(segmentationFile, 'utf8')) as { value: number };
      const volumes = [{ structure: 'structure_A', voxels: value, volume_mm3: value * 1.5 }];
      if (!subject.groundTruth) return { rows: [], volumes };
      return { rows: [{ structure: 'structure_A', DiceNumeric: value / 100, HausdorffDistance_mm: 100 - value, MeanDistance_mm: (100 - value) / 10 }], volumes };
    },
    async writeReports({ outDir, results, failures }) {
      const rows = results.flatMap((r) => r.rows.map((row) => `${r.subjectId},${row.structure},${row.DiceNumeric.toFixed(3)}`)).sort();
      const metricsCsv = path.join(outDir, 'metrics.csv');
      writeFileSync(metricsCsv, `Patient,Structure,Dice\n${rows.join('\n')}\n`);
      const failuresFile = path.join(outDir, 'failures.csv');
      writeFileSync(failuresFile, failures.map((f) => `${f.subjectId},${f.reason}`).join('\n'));
      return { metricsCsv, aggregatesCsv: failuresFile, markdownFile: failuresFile, reportHtml: failuresFile, plots: [], markdown: `${results.length} results` };
    },
    isBadInput: (error) => error instanceof SyntheticImageError,
  };
}
