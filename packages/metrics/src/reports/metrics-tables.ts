import { stringifyJson } from '@seahorse/files';
import { MetricsError } from '../errors.js';
import { formatFixed, roundHalfEven } from './format-number.js';
import { describeLikePandas, fullStatistics, type FullStatistics, type PandasDescribe } from './statistics.js';

/** One (subject, structure) result: what InnerEye adds to its `MetricsPerPatientWriter`. */
export interface SubjectStructureMetrics {
  /** Subject id, compared as a string (code point order), as InnerEye's `Patient` column. */
  readonly subject: string;
  /** Structure name, e.g. `"hippocampus_L"`. */
  readonly structure: string;
  readonly DiceNumeric: number;
  readonly HausdorffDistance_mm: number;
  readonly MeanDistance_mm: number;
}

/** The three metric columns of InnerEye's reports, in report order. */
export const METRIC_COLUMNS = ['DiceNumeric', 'HausdorffDistance_mm', 'MeanDistance_mm'] as const;
/** One of {@link METRIC_COLUMNS}. */
export type MetricColumn = (typeof METRIC_COLUMNS)[number];

/** Python's string order: by code point (JavaScript's default compares UTF-16 code units). */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const cx = x.value.codePointAt(0)!;
    const cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx - cy;
  }
}

/**
 * Checks a list of results before a report is made from it.
 * @throws MetricsError `BAD_RESULTS` naming the entry and field: empty subject or structure,
 *   a non-number metric, or a (subject, structure) pair given twice.
 */
export function validateResults(results: readonly SubjectStructureMetrics[]): void {
  const seen = new Set<string>();
  results.forEach((r, i) => {
    for (const key of ['subject', 'structure'] as const) {
      if (typeof r[key] !== 'string' || r[key].length === 0) {
        throw new MetricsError('BAD_RESULTS', `results[${i}].${key} must be a non-empty string, got ${JSON.stringify(r[key])}`);
      }
    }
    for (const key of METRIC_COLUMNS) {
      if (typeof r[key] !== 'number') {
        throw new MetricsError('BAD_RESULTS', `results[${i}].${key} (subject '${r.subject}', structure '${r.structure}') `
          + `must be a number (NaN and Infinity allowed), got ${JSON.stringify(r[key])}`);
      }
    }
    const id = JSON.stringify([r.subject, r.structure]);
    if (seen.has(id)) {
      throw new MetricsError('BAD_RESULTS', `results[${i}]: subject '${r.subject}', structure '${r.structure}' appears twice`);
    }
    seen.add(id);
  });
}

/** InnerEye's rounded per-subject values (`float("{:0.3f}".format(v))`), in (Patient, Structure) order. */
function roundedRows(results: readonly SubjectStructureMetrics[]): SubjectStructureMetrics[] {
  validateResults(results);
  return results
    .map((r) => ({
      subject: r.subject, structure: r.structure,
      DiceNumeric: roundHalfEven(r.DiceNumeric), HausdorffDistance_mm: roundHalfEven(r.HausdorffDistance_mm),
      MeanDistance_mm: roundHalfEven(r.MeanDistance_mm),
    }))
    .sort((a, b) => compareCodePoints(a.subject, b.subject) || compareCodePoints(a.structure, b.structure));
}

/** A CSV field as Python's csv writer (QUOTE_MINIMAL) writes it. */
function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A float cell as pandas' `to_csv(float_format="%.3f")` writes it: NaN is an empty field. */
function floatCell(v: number): string {
  return Number.isNaN(v) ? '' : formatFixed(v, 3);
}

/**
 * The rows of `metrics.csv` as cells, header first, before CSV quoting: values rounded half-to-even
 * to 3 decimals and formatted `%.3f`, NaN as an empty cell, infinity as `inf`; rows in (Patient,
 * Structure) order, then stable-sorted by Structure and by Dice ascending (NaN last). The CSV and
 * report.html's per-subject table are both written from these cells.
 * @throws MetricsError `BAD_RESULTS` (see {@link validateResults}).
 */
export function metricsTableCells(results: readonly SubjectStructureMetrics[]): string[][] {
  const rows = roundedRows(results).sort((a, b) => compareCodePoints(a.structure, b.structure)
    || (Number.isNaN(a.DiceNumeric) ? (Number.isNaN(b.DiceNumeric) ? 0 : 1)
      : Number.isNaN(b.DiceNumeric) ? -1 : a.DiceNumeric < b.DiceNumeric ? -1 : a.DiceNumeric > b.DiceNumeric ? 1 : 0));
  return [['Patient', 'Structure', 'Dice', 'HausdorffDistance_mm', 'MeanDistance_mm'],
    ...rows.map((r) => [r.subject, r.structure, floatCell(r.DiceNumeric), floatCell(r.HausdorffDistance_mm), floatCell(r.MeanDistance_mm)])];
}

/**
 * `metrics.csv` as InnerEye writes it: header `Patient,Structure,Dice,HausdorffDistance_mm,MeanDistance_mm`;
 * values rounded half-to-even to 3 decimals, formatted `%.3f`, NaN as an empty field (pandas'
 * `na_rep`), infinity as `inf`; rows in (Patient, Structure) order, then stable-sorted by
 * Structure and by Dice ascending (NaN last). See {@link metricsTableCells}.
 * @throws MetricsError `BAD_RESULTS` (see {@link validateResults}).
 * @example
 * ```ts
 * metricsCsv([{ subject: '1', structure: 'hippocampus_L', DiceNumeric: 0.91849, HausdorffDistance_mm: 2, MeanDistance_mm: 0.1 }]);
 * // "Patient,Structure,Dice,HausdorffDistance_mm,MeanDistance_mm\n1,hippocampus_L,0.918,2.000,0.100\n"
 * ```
 */
export function metricsCsv(results: readonly SubjectStructureMetrics[]): string {
  return `${metricsTableCells(results).map((row) => row.map(csvField).join(',')).join('\n')}\n`;
}

/** Per-structure aggregates of the rounded per-subject values, as `metrics_aggregates.csv` holds them. */
export interface StructureAggregate {
  readonly structure: string;
  /** Non-NaN Dice values. */
  readonly count: number;
  readonly DiceNumeric: PandasDescribe;
  readonly HausdorffDistance_mm: PandasDescribe;
  readonly MeanDistance_mm: PandasDescribe;
}

function groupByStructure(results: readonly SubjectStructureMetrics[]): Map<string, SubjectStructureMetrics[]> {
  const rows = roundedRows(results);
  const names = [...new Set(rows.map((r) => r.structure))].sort(compareCodePoints);
  return new Map(names.map((n) => [n, rows.filter((r) => r.structure === n)]));
}

/**
 * InnerEye's aggregates: `groupby("Structure").describe()` of the 3-decimal-rounded per-subject
 * values, per structure in code point order; count, mean, std (ddof 1), min, max, as pandas
 * computes them.
 * @throws MetricsError `BAD_RESULTS`.
 * @example
 * ```ts
 * metricsAggregates(results)[0].DiceNumeric.mean;
 * ```
 */
export function metricsAggregates(results: readonly SubjectStructureMetrics[]): StructureAggregate[] {
  return [...groupByStructure(results)].map(([structure, rows]) => {
    const d = (k: MetricColumn) => describeLikePandas(rows.map((r) => r[k]));
    const dice = d('DiceNumeric');
    return { structure, count: dice.count, DiceNumeric: dice, HausdorffDistance_mm: d('HausdorffDistance_mm'),
      MeanDistance_mm: d('MeanDistance_mm') };
  });
}

const STATS = ['mean', 'std', 'min', 'max'] as const;

/** The aggregate table's header, InnerEye's column names. */
export const AGGREGATE_COLUMNS: readonly string[] = ['Structure', 'count',
  ...METRIC_COLUMNS.flatMap((m) => STATS.map((s) => `${m}_${s}`))];

function aggregateCells(a: StructureAggregate, count: (n: number) => string): string[] {
  return [a.structure, count(a.count), ...METRIC_COLUMNS.flatMap((m) => STATS.map((s) => floatCell(a[m][s])))];
}

/**
 * The aggregate table as cells, header (InnerEye's column names) first: count as an integer, values
 * `%.3f`, NaN as an empty cell. The Markdown table and report.html's tables are written from these.
 * @throws MetricsError `BAD_RESULTS`.
 */
export function aggregateTableCells(results: readonly SubjectStructureMetrics[]): string[][] {
  return [[...AGGREGATE_COLUMNS], ...metricsAggregates(results).map((a) => aggregateCells(a, (n) => String(n)))];
}

/**
 * `metrics_aggregates.csv` as InnerEye writes it (`to_csv(float_format="%.3f")` with the Structure
 * index first): count written like `252.000`, NaN (e.g. the std of one sample) as an empty field,
 * infinity as `inf`.
 * @throws MetricsError `BAD_RESULTS`.
 * @example
 * ```ts
 * metricsAggregatesCsv(results).split('\n')[0]; // "Structure,count,DiceNumeric_mean,…,MeanDistance_mm_max"
 * ```
 */
export function metricsAggregatesCsv(results: readonly SubjectStructureMetrics[]): string {
  const lines = [AGGREGATE_COLUMNS.join(',')];
  for (const a of metricsAggregates(results)) {
    const cells = aggregateCells(a, (n) => formatFixed(n, 3));
    cells[0] = csvField(cells[0]!);
    lines.push(cells.join(','));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The aggregate table in Markdown, laid out as in InnerEye's Hippocampus model card: padded
 * columns, count as an integer, values `%.3f`.
 * @throws MetricsError `BAD_RESULTS`.
 * @example
 * ```ts
 * console.log(metricsAggregatesMarkdown(results));
 * // | Structure     | count | DiceNumeric_mean | …
 * ```
 */
export function metricsAggregatesMarkdown(results: readonly SubjectStructureMetrics[]): string {
  const rows = aggregateTableCells(results).slice(1).map((cells) => cells.map((c, i) => (i === 0 ? c.replace(/\|/g, '\\|') : c)));
  const table = [[...AGGREGATE_COLUMNS], ...rows];
  const widths = AGGREGATE_COLUMNS.map((_, j) => Math.max(...table.map((r) => r[j]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, j) => c.padEnd(widths[j]!)).join(' | ')} |`;
  return [line(table[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n') + '\n';
}

/**
 * Every statistic, per structure and metric, as a JSON document: pandas' count, mean, std, min,
 * max (as in `metrics_aggregates.csv`, unrounded) plus median, quartiles and the 95% confidence
 * interval of the mean, all on the 3-decimal-rounded per-subject values, and how many values
 * were NaN (both masks empty) or infinite (one mask empty). Non-finite numbers are written with
 * Seahorse's one JSON codec (`@seahorse/files`' `stringifyJson`): `"NaN"`, `"Infinity"`, `"-Infinity"`.
 * @throws MetricsError `BAD_RESULTS`.
 * @example
 * ```ts
 * JSON.parse(metricsStatisticsJson(results)).structures[0].DiceNumeric.ci95Low;
 * ```
 */
export function metricsStatisticsJson(results: readonly SubjectStructureMetrics[]): string {
  const structures = [...groupByStructure(results)].map(([structure, rows]) => {
    const entry: Record<string, unknown> = { structure, subjects: rows.length };
    for (const m of METRIC_COLUMNS) {
      const values = rows.map((r) => r[m]);
      const s: FullStatistics = fullStatistics(values);
      entry[m] = {
        ...s,
        nanCount: values.filter((v) => Number.isNaN(v)).length,
        infiniteCount: values.filter((v) => v === Infinity || v === -Infinity).length,
      };
    }
    return entry;
  });
  return stringifyJson({
    basis: 'per-subject values rounded half-to-even to 3 decimals, as in metrics.csv; std has ddof 1; '
      + 'quartiles interpolate linearly; ci95 is mean ± t(0.975, count-1)·std/√count',
    structures,
  });
}
