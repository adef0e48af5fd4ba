/**
 * Evaluating a model package on subjects with ground truth, all through Seahorse: @seahorse/io
 * reads, @seahorse/inference segments (the package's own preprocessing, tiling and ensembling),
 * @seahorse/metrics computes InnerEye's Dice, Hausdorff and mean surface distance.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readNifti, toZYX, type CohortSubject, type VolumeXYZ } from '@seahorse/io';
import { loadModelPackage, openEnsemble } from '@seahorse/inference';
import { computeStructureMetrics, type StructureMetrics } from '@seahorse/metrics';

/** One subject's metrics. */
export interface SubjectResult {
  readonly subject: string;
  readonly metrics: readonly StructureMetrics[];
}

/** Binary ground-truth masks of a cohort subject, in `structures` order (masks by name, label maps by value 1…). */
export function groundTruthMasks(subject: CohortSubject, structures: readonly string[]): VolumeXYZ<Uint8Array>[] {
  const gt = subject.groundTruth;
  if (gt.kind === 'masks') {
    return structures.map((name) => {
      const m = gt.structures.find((s) => s.name === name);
      if (!m) throw new Error(`subject ${subject.id}: no ground-truth mask named ${name} (has ${gt.structures.map((s) => s.name).join(', ')})`);
      const v = readNifti(m.file);
      return { ...v, data: Uint8Array.from(v.data, (x) => (x > 0 ? 1 : 0)), kind: 'label' };
    });
  }
  if (gt.kind === 'labelMap') {
    const v = readNifti(gt.file);
    return structures.map((_name, i) => ({ ...v, data: Uint8Array.from(v.data, (x) => (Math.round(x) === i + 1 ? 1 : 0)), kind: 'label' }));
  }
  throw new Error(`subject ${subject.id}: has no ground truth`);
}

/**
 * Segments each subject's first image channel with the package and computes InnerEye's metrics
 * against its ground truth; structures are the package's foreground classes.
 */
export async function evaluatePackage(packageDir: string, subjects: readonly CohortSubject[], options: { threads?: number } = {}): Promise<SubjectResult[]> {
  const model = await loadModelPackage(packageDir);
  const structures = model.manifest.classes.slice(1);
  const ensemble = await openEnsemble(model, options.threads ? { intraOpThreads: options.threads } : {});
  const work = mkdtempSync(path.join(tmpdir(), 'seahorse-eval-'));
  try {
    const out: SubjectResult[] = [];
    for (const s of subjects) {
      const scan = readNifti(s.images[0]!.file);
      const result = await ensemble.segmentScan(scan, path.join(work, s.id), { scanName: s.images[0]!.file });
      const seg: VolumeXYZ<Uint8Array> = { data: result.segmentationZYX, shapeXYZ: scan.shapeXYZ, affine: scan.affine, kind: 'label' };
      const gts = groundTruthMasks(s, structures).map((g) => toZYX(g));
      out.push({ subject: s.id, metrics: computeStructureMetrics(toZYX(seg), gts, { structures, subject: s.id }) });
      rmSync(path.join(work, s.id), { recursive: true, force: true });
    }
    return out;
  } finally {
    await ensemble.close();
    rmSync(work, { recursive: true, force: true });
  }
}

/** Mean, sample standard deviation and median of finite values. */
export function summarise(values: readonly number[]): { mean: number; std: number; median: number; n: number; nonFinite: number } {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  const n = v.length;
  const mean = v.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  const median = n % 2 ? v[(n - 1) / 2]! : (v[n / 2 - 1]! + v[n / 2]!) / 2;
  return { mean, std, median, n, nonFinite: values.length - n };
}

/** A Markdown table: per structure, mean ± sd (median) of Dice, HD (mm) and MeanDistance (mm). */
export function resultsTable(results: readonly SubjectResult[]): string {
  const structures = results[0]?.metrics.map((m) => m.structure) ?? [];
  const lines = ['| structure | subjects | Dice mean ± sd (median) | HausdorffDistance_mm mean ± sd (median) | MeanDistance_mm mean ± sd (median) |', '|---|---|---|---|---|'];
  for (const [i, name] of structures.entries()) {
    const col = (key: 'DiceNumeric' | 'HausdorffDistance_mm' | 'MeanDistance_mm', digits: number): string => {
      const s = summarise(results.map((r) => r.metrics[i]![key]));
      return `${s.mean.toFixed(digits)} ± ${s.std.toFixed(digits)} (${s.median.toFixed(digits)})${s.nonFinite ? ` [${s.nonFinite} not finite]` : ''}`;
    };
    lines.push(`| ${name} | ${results.length} | ${col('DiceNumeric', 3)} | ${col('HausdorffDistance_mm', 2)} | ${col('MeanDistance_mm', 3)} |`);
  }
  return lines.join('\n');
}
