// The real compute behind the cohort activities: the evaluation core (@seahorse/evaluation) for
// subjects, @seahorse/metrics for the reports. A thin adapter: every rule lives in its package.
import path from 'node:path';
import {
  describeModel, EnsembleCache, isBadInput, loadSubjectInputs, measureSubject, segmentSubject, validateSubjectInputs,
} from '@seahorse/evaluation';
import type { TilingMode } from '@seahorse/model-package';
import { REPORT_FILES, writeMetricsReports } from '@seahorse/metrics';
import type { CohortDeps, StructureMetricsRow } from '@seahorse/workflows';

/** Options of {@link createComputeDeps}. */
export interface ComputeDepsOptions {
  /** onnxruntime intra-op threads per session when a run does not set `inference.threads`. Default: the model package's. */
  threads?: number;
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

    async segmentSubject({ subject, modelDir, outDir, overrides, onProgress, signal }) {
      const { segmentationFile } = await segmentSubject(ensembles, {
        subject, modelDir, outDir, signal,
        // describeModel checked the tiling mode against the runtime's when the run was planned.
        ...(overrides.tiling ? { tiling: overrides.tiling as TilingMode } : {}),
        ...(overrides.threads ? { threads: overrides.threads } : {}),
        onProgress: (p) => onProgress({ step: `member ${p.member}/${p.members} (${p.memberName})`, done: p.patch, total: p.patches }),
      });
      return { segmentationFile };
    },

    async measureSubject({ subject, segmentationFile, structures }) {
      return measureSubject({ subject, segmentationFile, structures }).map((m): StructureMetricsRow => ({ ...m }));
    },

    async writeReports({ outDir, results, failures, provenance }) {
      const rows = results.flatMap((r) => r.rows.map((row) => ({
        subject: r.subjectId, structure: row.structure,
        DiceNumeric: row.DiceNumeric, HausdorffDistance_mm: row.HausdorffDistance_mm, MeanDistance_mm: row.MeanDistance_mm,
      })));
      const written = writeMetricsReports(outDir, rows, {
        run: { title: `Seahorse evaluation ${provenance.runId ?? ''}`.trim(), provenance, failures },
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
