// Every metric per subject and structure in one table (`metrics_extended.csv`), and its
// aggregates: InnerEye's three, HD95 and ASSD in MONAI's and DeepMind's conventions, both
// volumes and the volume difference. Values are written unrounded, as pandas' `to_csv` writes
// float64 without a `float_format` (Python's repr; NaN empty, `inf`, `-inf`), so the table reads
// back in pandas to the very values in each subject's `metrics.json`.
import { compareCodePoints, validateResults, type SubjectStructureMetrics } from './metrics-tables.js';
import { pythonFloatRepr } from './format-number.js';
import { describeLikePandas } from './statistics.js';

/** The metrics beyond InnerEye's three, as `computeExtendedStructureMetrics` names them. */
export const EXTENDED_METRIC_FIELDS = [
  'HD95_MONAI_mm', 'ASSD_MONAI_mm', 'HD95_DeepMind_mm', 'ASSD_DeepMind_mm', 'PredictedVolume_mm3', 'GroundTruthVolume_mm3',
] as const;

/** The metric columns of `metrics_extended.csv`, in order (`Dice` is `DiceNumeric`). */
export const EXTENDED_COLUMNS = [
  'Dice', 'HausdorffDistance_mm', 'MeanDistance_mm', ...EXTENDED_METRIC_FIELDS, 'VolumeDifference_percent',
] as const;
export type ExtendedColumn = (typeof EXTENDED_COLUMNS)[number];

/** A result row that may carry the extended metrics (missing ones count as NaN). */
export type ExtendedSubjectStructureMetrics = SubjectStructureMetrics & Partial<Record<(typeof EXTENDED_METRIC_FIELDS)[number], number>>;

/**
 * One row's values by column. `VolumeDifference_percent` is `100 · (predicted − ground truth) /
 * ground truth`, with IEEE (numpy) division: `inf` for a structure predicted where the ground truth
 * is empty, NaN when both are empty.
 */
export function extendedValues(r: ExtendedSubjectStructureMetrics): Record<ExtendedColumn, number> {
  const num = (v: unknown) => (typeof v === 'number' ? v : NaN);
  const predicted = num(r.PredictedVolume_mm3);
  const truth = num(r.GroundTruthVolume_mm3);
  return {
    Dice: r.DiceNumeric, HausdorffDistance_mm: r.HausdorffDistance_mm, MeanDistance_mm: r.MeanDistance_mm,
    HD95_MONAI_mm: num(r.HD95_MONAI_mm), ASSD_MONAI_mm: num(r.ASSD_MONAI_mm),
    HD95_DeepMind_mm: num(r.HD95_DeepMind_mm), ASSD_DeepMind_mm: num(r.ASSD_DeepMind_mm),
    PredictedVolume_mm3: predicted, GroundTruthVolume_mm3: truth,
    VolumeDifference_percent: (100 * (predicted - truth)) / truth,
  };
}

const cell = (v: number) => (Number.isNaN(v) ? '' : pythonFloatRepr(v));
const csvField = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** Rows in (Patient, Structure) code point order with their values. */
export function extendedRows(results: readonly ExtendedSubjectStructureMetrics[]): { subject: string; structure: string; values: Record<ExtendedColumn, number> }[] {
  validateResults(results);
  return [...results]
    .sort((a, b) => compareCodePoints(a.subject, b.subject) || compareCodePoints(a.structure, b.structure))
    .map((r) => ({ subject: r.subject, structure: r.structure, values: extendedValues(r) }));
}

/**
 * `metrics_extended.csv`: header `Patient,Structure,Dice,…,VolumeDifference_percent`, one row per
 * subject and structure in (Patient, Structure) order, values unrounded as pandas writes float64
 * (Python's repr), NaN as an empty field, `inf` and `-inf`.
 * @throws MetricsError `BAD_RESULTS`.
 */
export function metricsExtendedCsv(results: readonly ExtendedSubjectStructureMetrics[]): string {
  const lines = [['Patient', 'Structure', ...EXTENDED_COLUMNS].join(',')];
  for (const r of extendedRows(results)) lines.push([csvField(r.subject), csvField(r.structure), ...EXTENDED_COLUMNS.map((c) => cell(r.values[c]))].join(','));
  return `${lines.join('\n')}\n`;
}

const STATS = ['count', 'mean', 'std', 'min', 'max'] as const;

/** The columns of `metrics_extended_aggregates.csv`: Structure, then `<metric>_<count|mean|std|min|max>`. */
export const EXTENDED_AGGREGATE_COLUMNS: readonly string[] = ['Structure', ...EXTENDED_COLUMNS.flatMap((c) => STATS.map((s) => `${c}_${s}`))];

/**
 * `metrics_extended_aggregates.csv`: per structure (code point order) and metric, pandas'
 * `Series.describe()` count, mean, std (ddof 1), min and max of the unrounded values (NaN
 * excluded; an infinite value makes the mean infinite and the std NaN), written as the table is.
 * @throws MetricsError `BAD_RESULTS`.
 */
export function metricsExtendedAggregatesCsv(results: readonly ExtendedSubjectStructureMetrics[]): string {
  const rows = extendedRows(results);
  const names = [...new Set(rows.map((r) => r.structure))].sort(compareCodePoints);
  const lines = [EXTENDED_AGGREGATE_COLUMNS.join(',')];
  for (const name of names) {
    const of = rows.filter((r) => r.structure === name);
    const cells = EXTENDED_COLUMNS.flatMap((c) => {
      const d = describeLikePandas(of.map((r) => r.values[c]));
      return STATS.map((s) => cell(d[s]));
    });
    lines.push([csvField(name), ...cells].join(','));
  }
  return `${lines.join('\n')}\n`;
}
