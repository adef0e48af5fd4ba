import path from 'node:path';
import { FileWriteError, stringifyJson, writeFileAtomic } from '@seahorse/files';
import { MetricsError } from '../errors.js';
import { boxPlotSvg, metricBoxes, svgToPng } from './boxplot.js';
import {
  METRIC_COLUMNS, metricsAggregatesCsv, metricsAggregatesMarkdown, metricsCsv, metricsStatisticsJson,
  validateResults, type MetricColumn, type SubjectStructureMetrics,
} from './metrics-tables.js';
import { metricsExtendedAggregatesCsv, metricsExtendedCsv, type ExtendedSubjectStructureMetrics } from './extended-table.js';
import { reportHtml, type ReportSubject } from './report-html.js';
import { volumesAggregatesCsv, volumesCsv, type SubjectStructureVolume } from './volumes-table.js';

/** File names written by {@link writeMetricsReports}, inside its folder. */
export const REPORT_FILES = {
  metricsCsv: 'metrics.csv',
  aggregatesCsv: 'metrics_aggregates.csv',
  aggregatesMarkdown: 'metrics_aggregates.md',
  statisticsJson: 'metrics_statistics.json',
  reportHtml: 'report.html',
  failuresJson: 'failures.json',
  extendedCsv: 'metrics_extended.csv',
  extendedAggregatesCsv: 'metrics_extended_aggregates.csv',
  volumesCsv: 'volumes.csv',
  volumesAggregatesCsv: 'volumes_aggregates.csv',
} as const;

/** The box plot file stem of each metric: InnerEye's `metrics_boxplot` for Dice. */
export const BOXPLOT_STEMS: Record<MetricColumn, string> = {
  DiceNumeric: 'metrics_boxplot',
  HausdorffDistance_mm: 'metrics_boxplot_HausdorffDistance_mm',
  MeanDistance_mm: 'metrics_boxplot_MeanDistance_mm',
};

const TITLES: Record<MetricColumn, string> = {
  DiceNumeric: 'Dice score',
  HausdorffDistance_mm: 'Hausdorff distance (mm)',
  MeanDistance_mm: 'Mean surface distance (mm)',
};

/** Options of {@link writeMetricsReports}. */
export interface WriteReportsOptions {
  /** Appended to each plot title, e.g. `"for epoch 120, test set"`. Default none. */
  readonly titleSuffix?: string;
  /**
   * Predicted volumes per subject and structure (labelled subjects or not): with them,
   * `volumes.csv` and `volumes_aggregates.csv` are written.
   */
  readonly volumes?: readonly SubjectStructureVolume[];
  /** Also render each SVG box plot to PNG. Default true. */
  readonly png?: boolean;
  /**
   * A run's report: with it, `report.html` (title, provenance, both tables, the box plots inline,
   * the per-subject table, the failed subjects) and `failures.json` are written too, last.
   */
  readonly run?: {
    readonly title: string;
    readonly provenance: Readonly<Record<string, string>>;
    readonly failures: readonly { subjectId: string; reason: string }[];
    /** ISO time printed in the report. Default: now. */
    readonly generatedAt?: string;
    /** The subjects with a result: for the QC gallery (their `qc.png`), input problems and time per subject. */
    readonly subjects?: readonly ReportSubject[];
  };
}

/** What {@link writeMetricsReports} wrote. */
export interface WrittenReports {
  /** Absolute paths, in the order written. */
  readonly files: string[];
  /** Why the box plots were skipped, when they were (InnerEye skips them when no structure has two values). */
  readonly boxplotsSkipped?: string;
  /** The aggregate table as written to `metrics_aggregates.md` (the model card's). */
  readonly aggregatesMarkdown: string;
}

/**
 * Writes every report for a list of per-subject, per-structure results into `folder` (created
 * when missing), each file atomically: `metrics.csv` and `metrics_aggregates.csv` (byte for byte
 * as InnerEye's pandas code), `metrics_aggregates.md` (the model card's table),
 * `metrics_statistics.json` (every statistic, with quartiles and 95% CIs), `metrics_extended.csv`
 * and `metrics_extended_aggregates.csv` (every metric the rows carry, unrounded), with
 * `options.volumes` `volumes.csv` and `volumes_aggregates.csv`, and, per metric, a box
 * plot as SVG and PNG (`metrics_boxplot.{svg,png}` for Dice, `metrics_boxplot_<metric>.{svg,png}`
 * for the distances); with `options.run`, `report.html` and `failures.json`. Every file is
 * written from the results themselves; none is read back.
 * @throws MetricsError `BAD_RESULTS` for an invalid result list, `WRITE_FAILED` when a file cannot be written.
 * @example
 * ```ts
 * const rows = computeStructureMetrics(seg, [gtL, gtR], { structures: ['hippocampus_L', 'hippocampus_R'] })
 *   .map((m) => ({ subject: '007', ...m }));
 * writeMetricsReports('/runs/42/reports', rows);
 * ```
 */
export function writeMetricsReports(
  folder: string, results: readonly (SubjectStructureMetrics | ExtendedSubjectStructureMetrics)[], options: WriteReportsOptions = {},
): WrittenReports {
  validateResults(results);
  const files: string[] = [];
  const put = (name: string, content: string | Uint8Array) => {
    const file = path.resolve(folder, name);
    try {
      writeFileAtomic(file, content, { createFolder: true });
    } catch (err) {
      throw new MetricsError('WRITE_FAILED', `could not write ${file}: ${err instanceof FileWriteError ? err.reason : (err as Error).message}`);
    }
    files.push(file);
  };
  const aggregatesMarkdown = metricsAggregatesMarkdown(results);
  put(REPORT_FILES.metricsCsv, metricsCsv(results));
  put(REPORT_FILES.aggregatesCsv, metricsAggregatesCsv(results));
  put(REPORT_FILES.aggregatesMarkdown, aggregatesMarkdown);
  put(REPORT_FILES.statisticsJson, metricsStatisticsJson(results));
  put(REPORT_FILES.extendedCsv, metricsExtendedCsv(results));
  put(REPORT_FILES.extendedAggregatesCsv, metricsExtendedAggregatesCsv(results));
  if (options.volumes) {
    put(REPORT_FILES.volumesCsv, volumesCsv(options.volumes));
    put(REPORT_FILES.volumesAggregatesCsv, volumesAggregatesCsv(options.volumes));
  }
  const diceBoxes = metricBoxes(results, 'DiceNumeric');
  const boxplotsSkipped = diceBoxes.some((b) => b.values.length > 1) ? undefined : 'no structure has more than one finite value';
  const plots: { caption: string; svg: string }[] = [];
  for (const metric of boxplotsSkipped ? [] : METRIC_COLUMNS) {
    const title = options.titleSuffix ? `${TITLES[metric]} ${options.titleSuffix}` : TITLES[metric];
    const svg = boxPlotSvg(metricBoxes(results, metric), { title, yLabel: metric });
    put(`${BOXPLOT_STEMS[metric]}.svg`, svg);
    if (options.png ?? true) put(`${BOXPLOT_STEMS[metric]}.png`, svgToPng(svg));
    plots.push({ caption: metric, svg });
  }
  if (options.run) {
    put(REPORT_FILES.failuresJson, stringifyJson(options.run.failures));
    put(REPORT_FILES.reportHtml, reportHtml({
      title: options.run.title, provenance: options.run.provenance, results, plots, failures: options.run.failures,
      generatedAt: options.run.generatedAt ?? new Date().toISOString(),
      ...(options.volumes ? { volumes: options.volumes } : {}), ...(options.run.subjects ? { subjects: options.run.subjects } : {}),
    }));
  }
  return { files, aggregatesMarkdown, ...(boxplotsSkipped ? { boxplotsSkipped } : {}) };
}
