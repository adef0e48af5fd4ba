// The real compute behind the cohort activities: @seahorse/io for manifests and NIfTI,
// @seahorse/inference for the ensemble, @seahorse/metrics for metrics and reports.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sha256Hex, writeFileAtomic } from '@seahorse/files';
import { loadCohort, readNifti, toZYX, assertSameSpace, type CohortSubject, type VolumeXYZ, type VolumeZYX } from '@seahorse/io';
import { loadModelPackage, openEnsemble, type Ensemble } from '@seahorse/inference';
import { computeExtendedStructureMetrics, writeMetricsReports, BOXPLOT_STEMS, METRIC_COLUMNS, REPORT_FILES } from '@seahorse/metrics';
import { reportHtml, writeJsonAtomic, type CohortDeps, type PlannedSubject, type StructureMetricsRow } from '@seahorse/workflows';

/** Bad ground truth (non-binary mask, missing structure): never retried. */
export class GroundTruthError extends Error {
  override name = 'GroundTruthError';
  readonly code = 'BAD_GROUND_TRUTH';
}

/** Options of {@link createComputeDeps}. */
export interface ComputeDepsOptions {
  /** onnxruntime intra-op threads per session. Default: the model package's `inference.threads`. */
  threads?: number;
}

function toPlanned(subject: CohortSubject): PlannedSubject {
  const gt = subject.groundTruth;
  return {
    id: subject.id,
    images: subject.images.map((c) => c.file),
    groundTruth:
      gt.kind === 'masks' ? { kind: 'masks', masks: Object.fromEntries(gt.structures.map((s) => [s.name, s.file])) }
        : gt.kind === 'labelMap' ? { kind: 'labelMap', file: gt.file, labels: Object.fromEntries(gt.labels.map((l) => [l.name, l.value])) }
          : null,
  };
}

/** Finds a structure's entry by name, case-insensitively (MSD writes "Anterior", models "anterior"). */
function lookup<T>(table: Record<string, T>, name: string): T | undefined {
  if (name in table) return table[name];
  const key = Object.keys(table).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : table[key];
}

/** The binary ground-truth volume of each structure, in `structures` order, with the file it came from. */
function groundTruthMasks(subject: PlannedSubject, structures: readonly string[]): (VolumeXYZ<Uint8Array> & { file: string })[] {
  const gt = subject.groundTruth;
  if (!gt) throw new GroundTruthError(`subject ${subject.id}: no ground truth`);
  if (gt.kind === 'masks') {
    return structures.map((name) => {
      const file = lookup(gt.masks, name);
      if (!file) throw new GroundTruthError(`subject ${subject.id}: no ground-truth mask for structure '${name}' (has: ${Object.keys(gt.masks).join(', ') || 'none'})`);
      const mask = readNifti(file, { kind: 'label' });
      const data = new Uint8Array(mask.data.length);
      for (let i = 0; i < data.length; i++) {
        const v = mask.data[i]!;
        if (v !== 0 && v !== 1) throw new GroundTruthError(`${file}: ground truth must be binary (0/1), found ${v} at voxel index ${i}`);
        data[i] = v;
      }
      return { data, shapeXYZ: mask.shapeXYZ, affine: mask.affine, kind: 'label', file };
    });
  }
  const map = readNifti(gt.file, { kind: 'label' });
  return structures.map((name) => {
    const value = lookup(gt.labels, name);
    if (value === undefined) throw new GroundTruthError(`${gt.file}: the label map names no structure '${name}' (labels: ${Object.keys(gt.labels).join(', ')})`);
    const data = new Uint8Array(map.data.length);
    for (let i = 0; i < data.length; i++) data[i] = map.data[i] === value ? 1 : 0;
    return { data, shapeXYZ: map.shapeXYZ, affine: map.affine, kind: 'label', file: gt.file };
  });
}

/**
 * Builds the compute dependencies of the cohort activities. Ensembles (one worker thread with one
 * onnxruntime session per member) are opened once per model package and reused; `close()` ends them.
 */
export function createComputeDeps(options: ComputeDepsOptions = {}): CohortDeps & { close(): Promise<void> } {
  const ensembles = new Map<string, Promise<Ensemble>>();
  const ensembleFor = (modelDir: string) => {
    let e = ensembles.get(modelDir);
    if (!e) {
      e = loadModelPackage(modelDir).then((pkg) => openEnsemble(pkg, options.threads ? { intraOpThreads: options.threads } : {}));
      ensembles.set(modelDir, e);
      e.catch(() => ensembles.delete(modelDir));
    }
    return e;
  };

  return {
    async loadSubjects(datasetFile) {
      // Missing files and geometry are checked per subject (prepareSubject, validateSubject), so one
      // bad subject fails alone instead of the whole manifest.
      return loadCohort(datasetFile, { checkGeometry: false, allowMissingFiles: true }).subjects.map(toPlanned);
    },

    async describeModel(modelDir) {
      const pkg = await loadModelPackage(modelDir);
      // model.json holds every member's sha256, so its hash fingerprints the whole package.
      return { fingerprint: sha256Hex(readFileSync(path.join(pkg.folder, 'model.json'))), name: pkg.manifest.name, version: pkg.manifest.version, structures: pkg.manifest.classes.slice(1) };
    },

    async validateSubject(subject, structures) {
      const images = subject.images.map((f) => readNifti(f));
      const first = images[0];
      if (!first) throw new GroundTruthError(`subject ${subject.id}: no image channel`);
      const tolerance = { rtol: 1e-5, atol: 1e-4 };
      images.slice(1).forEach((other, i) =>
        assertSameSpace(first, other, { ...tolerance, names: [subject.images[0]!, subject.images[i + 1]!] }));
      if (subject.groundTruth) {
        for (const mask of groundTruthMasks(subject, structures)) {
          assertSameSpace(first, mask, { ...tolerance, names: [subject.images[0]!, mask.file] });
        }
      }
    },

    async segmentSubject({ subject, modelDir, outDir, tiling, onProgress }) {
      const ensemble = await ensembleFor(modelDir);
      await ensemble.segmentScan(subject.images, outDir, {
        ...(tiling ? { tiling } : {}),
        scanName: `subject ${subject.id}`,
        onProgress: (p) => onProgress({ step: `member ${p.member + 1}/${p.members} (${p.memberName})`, done: p.patch + 1, total: p.patches }),
      });
      return { segmentationFile: path.join(outDir, 'segmentation.nii.gz') };
    },

    async measureSubject({ subject, segmentationFile, structures }) {
      const seg = readNifti(segmentationFile, { kind: 'label' });
      const gts = groundTruthMasks(subject, structures).map((v) => toZYX(v) as VolumeZYX);
      return computeExtendedStructureMetrics(toZYX(seg), gts, { structures, subject: subject.id })
        .map((m): StructureMetricsRow => ({ ...m }));
    },

    async writeReports({ outDir, results, failures, provenance }) {
      const rows = results.flatMap((r) => r.rows.map((row) => ({
        subject: r.subjectId, structure: row.structure,
        DiceNumeric: row.DiceNumeric, HausdorffDistance_mm: row.HausdorffDistance_mm, MeanDistance_mm: row.MeanDistance_mm,
      })));
      const written = writeMetricsReports(outDir, rows);
      const file = (name: string) => path.join(outDir, name);
      const plots = written.files.filter((f) => f.endsWith('.png'));
      const svgs = written.files.filter((f) => f.endsWith('.svg'));
      const markdown = readFileSync(file(REPORT_FILES.aggregatesMarkdown), 'utf8');
      writeJsonAtomic(file('failures.json'), failures);
      const html = reportHtml({
        title: `Seahorse evaluation ${provenance.runId ?? ''}`.trim(),
        provenance, aggregatesMarkdown: markdown,
        metricsCsv: readFileSync(file(REPORT_FILES.metricsCsv), 'utf8'),
        plots: METRIC_COLUMNS.map((m) => ({ caption: m, file: file(`${BOXPLOT_STEMS[m]}.svg`) }))
          .filter((p) => svgs.includes(p.file))
          .map((p) => ({ caption: p.caption, svg: readFileSync(p.file, 'utf8') })),
        failures, generatedAt: new Date().toISOString(),
      });
      const reportFile = file('report.html');
      writeFileAtomic(reportFile, html);
      return {
        metricsCsv: file(REPORT_FILES.metricsCsv), aggregatesCsv: file(REPORT_FILES.aggregatesCsv),
        markdownFile: file(REPORT_FILES.aggregatesMarkdown), reportHtml: reportFile, plots, markdown,
      };
    },

    async close() {
      const all = [...ensembles.values()];
      ensembles.clear();
      for (const e of all) await (await e.catch(() => undefined))?.close();
    },
  };
}
