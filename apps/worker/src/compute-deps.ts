// The real compute behind the cohort activities: the evaluation core (@seahorse/evaluation) for
// subjects, @seahorse/metrics for the reports. A thin adapter: every rule lives in its package.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import {
  describeModel, EnsembleCache, isBadInput, loadSubjectInputs, measureSegmentation, segmentSubject, validateSubjectInputs, writeSubjectQcPicture, writeSubjectViewerPage, QC_PICTURE_FILE, VIEWER_FILES,
} from '@seahorse/evaluation';
import type { TilingMode } from '@seahorse/model-package';
import { REPORT_FILES, writeMetricsReports } from '@seahorse/metrics';
import { RunFolder, type CohortDeps, type StructureMetricsRow } from '@seahorse/workflows';

const require = createRequire(import.meta.url);

/** Seahorse's and onnxruntime-node's versions, for a report's provenance. */
export function softwareVersions(): { seahorse: string; onnxruntime: string } {
  const version = (pkg: string) => (require(pkg) as { version: string }).version;
  return { seahorse: version('../package.json'), onnxruntime: version('onnxruntime-node/package.json') };
}

/** NiiVue's script of a run's viewer pages: once per run, `<run>/viewer/niivue.js`. */
export function viewerScriptFile(runDir: string): string {
  return path.join(runDir, 'viewer', VIEWER_FILES.niivue);
}

/** A relative link from `fromDir` to `file`, each segment percent-encoded (subject ids may hold `#` or `?`). */
function relativeHref(fromDir: string, file: string): string {
  return path.relative(fromDir, file).split(path.sep).map((s) => (s === '..' ? s : encodeURIComponent(s))).join('/');
}

/** Options of {@link createComputeDeps}. */
export interface ComputeDepsOptions {
  /** onnxruntime intra-op threads per session when a run does not set `inference.threads`. Default: the model package's. */
  threads?: number;
  /** This worker's device (`--device`): `cuda:N` picks the GPU for runs that ask for one, `cpu` offers none; absent: the run decides. */
  device?: string;
  /** Told which device an `auto` ensemble chose and why. */
  onNotice?: (line: string) => void;
}

/**
 * Builds the compute dependencies of the cohort activities. Ensembles (one session host with one
 * onnxruntime session per member) are opened once per model package and thread count and reused;
 * `close()` ends them.
 */
export function createComputeDeps(options: ComputeDepsOptions = {}): CohortDeps & { close(): Promise<void> } {
  const ensembles = new EnsembleCache(options);

  return {
    async loadSubjects(datasetFile) {
      return loadSubjectInputs(datasetFile);
    },

    async describeModel(modelDir, overrides) {
      return await describeModel(modelDir, overrides);
    },

    async validateSubject(subject, structures) {
      await validateSubjectInputs(subject, structures);
    },

    async segmentSubject({ subject, modelDir, outDir, overrides, device, onProgress, signal }) {
      const { segmentationFile } = await segmentSubject(ensembles, {
        subject, modelDir, outDir, signal, device,
        // describeModel checked the tiling mode against the runtime's when the run was planned.
        ...(overrides.tiling ? { tiling: overrides.tiling as TilingMode } : {}),
        ...(overrides.threads ? { threads: overrides.threads } : {}),
        onProgress: (p) => onProgress({ step: `member ${p.member}/${p.members} (${p.memberName})`, done: p.patch, total: p.patches }),
      });
      return { segmentationFile };
    },

    async measureSubject({ subject, segmentationFile, structures, runDir }) {
      const { metrics, volumes } = measureSegmentation({ subject, segmentationFile, structures });
      // qc.png and the viewer page beside the segmentation, before metrics.json (the commit point)
      // is written; NiiVue's script once per run, in <run>/viewer/.
      await writeSubjectQcPicture({ subject, segmentationFile, structures });
      await writeSubjectViewerPage({
        subject, segmentationFile, structures, niivueFile: viewerScriptFile(runDir), reportFile: path.join(runDir, REPORT_FILES.reportHtml),
      });
      return { rows: metrics.map((m): StructureMetricsRow => ({ ...m })), volumes: volumes.map((v) => ({ ...v })) };
    },

    async writeReports({ outDir, results, failures, provenance }) {
      const rows = results.flatMap((r) => r.rows.map((row) => ({ ...row, subject: r.subjectId })));
      const volumes = results.flatMap((r) => r.volumes.map((v) => ({ ...v, subject: r.subjectId })));
      const run = new RunFolder(outDir);
      const subjects = results.map((r) => {
        const qc = path.join(run.subjectDir(r.subjectId), QC_PICTURE_FILE);
        const viewer = path.join(run.subjectDir(r.subjectId), VIEWER_FILES.page);
        return {
          subject: r.subjectId, labelled: r.labelled,
          ...(existsSync(qc) ? { qcPng: readFileSync(qc) } : {}),
          ...(existsSync(viewer) ? { viewerHref: relativeHref(outDir, viewer) } : {}), ...(r.seconds === undefined ? {} : { seconds: r.seconds }),
        };
      });
      const versions = softwareVersions();
      const written = writeMetricsReports(outDir, rows, {
        volumes,
        run: {
          title: `Seahorse evaluation ${provenance.runId ?? ''}`.trim(), failures, subjects,
          provenance: { ...provenance, seahorse: versions.seahorse, onnxruntime: `onnxruntime-node ${versions.onnxruntime}` },
        },
      });
      const file = (name: string) => path.join(outDir, name);
      return {
        metricsCsv: file(REPORT_FILES.metricsCsv), aggregatesCsv: file(REPORT_FILES.aggregatesCsv),
        markdownFile: file(REPORT_FILES.aggregatesMarkdown), reportHtml: file(REPORT_FILES.reportHtml),
        plots: written.files.filter((f) => f.endsWith('.png')), markdown: written.aggregatesMarkdown,
      };
    },

    isBadInput,

    async close() {
      await ensembles.close();
    },
  };
}
