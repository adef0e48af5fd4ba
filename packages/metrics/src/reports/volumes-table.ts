// The volumes table of a cohort: per subject and structure the predicted voxel count, the volume
// in mm³ and, for structures that pair by a `_L`/`_R` suffix, the asymmetry index; and its
// aggregates in InnerEye's style (values rounded to 3 decimals, then pandas' describe per
// structure, written `%.3f`).
import { MetricsError } from '../errors.js';
import { formatFixed, roundHalfEven } from './format-number.js';
import { compareCodePoints } from './metrics-tables.js';
import { describeLikePandas, type PandasDescribe } from './statistics.js';

/** One subject's predicted volume of one structure. */
export interface SubjectStructureVolume {
  readonly subject: string;
  readonly structure: string;
  /** Voxels of the structure in the segmentation. */
  readonly voxels: number;
  /** `voxels` × the voxel volume from the affine (`|det|` of its 3×3 part), mm³. */
  readonly volume_mm3: number;
}

/** A volume row with its asymmetry index (NaN where the structure has no `_L`/`_R` partner, or both are empty). */
export interface VolumeRow extends SubjectStructureVolume {
  readonly asymmetryIndex: number;
}

/** The columns of `volumes.csv`. */
export const VOLUME_COLUMNS = ['Patient', 'Structure', 'Voxels', 'Volume_mm3', 'AsymmetryIndex'] as const;

/** The `_L`/`_R` partner of a structure name (`hippocampus_L` ↔ `hippocampus_R`), or `undefined`. */
export function lateralPartner(structure: string): { partner: string; side: 'L' | 'R' } | undefined {
  const m = /^(.*)_([LR])$/.exec(structure);
  if (!m) return undefined;
  return { partner: `${m[1]}_${m[2] === 'L' ? 'R' : 'L'}`, side: m[2] as 'L' | 'R' };
}

/**
 * Checks volume rows and adds the asymmetry index `(L − R) / ((L + R) / 2)` of the subject's pair
 * to both rows of each `_L`/`_R` pair (NaN when L + R is 0 or the partner is absent), in
 * (Patient, Structure) code point order.
 * @throws MetricsError `BAD_RESULTS` naming the entry: empty names, a negative or non-integer voxel count, a pair given twice.
 */
export function volumeRows(volumes: readonly SubjectStructureVolume[]): VolumeRow[] {
  const byKey = new Map<string, SubjectStructureVolume>();
  volumes.forEach((v, i) => {
    if (!v.subject || !v.structure) throw new MetricsError('BAD_RESULTS', `volumes[${i}]: subject and structure must be non-empty strings`);
    if (!Number.isInteger(v.voxels) || v.voxels < 0) throw new MetricsError('BAD_RESULTS', `volumes[${i}].voxels (subject '${v.subject}', structure '${v.structure}') must be a count, got ${v.voxels}`);
    if (typeof v.volume_mm3 !== 'number' || !(v.volume_mm3 >= 0)) throw new MetricsError('BAD_RESULTS', `volumes[${i}].volume_mm3 (subject '${v.subject}', structure '${v.structure}') must be a volume ≥ 0, got ${v.volume_mm3}`);
    const key = JSON.stringify([v.subject, v.structure]);
    if (byKey.has(key)) throw new MetricsError('BAD_RESULTS', `volumes[${i}]: subject '${v.subject}', structure '${v.structure}' appears twice`);
    byKey.set(key, v);
  });
  return volumes
    .map((v): VolumeRow => {
      const pair = lateralPartner(v.structure);
      const other = pair && byKey.get(JSON.stringify([v.subject, pair.partner]));
      let asymmetryIndex = NaN;
      if (pair && other) {
        const [l, r] = pair.side === 'L' ? [v.volume_mm3, other.volume_mm3] : [other.volume_mm3, v.volume_mm3];
        asymmetryIndex = l + r === 0 ? NaN : (l - r) / ((l + r) / 2);
      }
      return { ...v, asymmetryIndex };
    })
    .sort((a, b) => compareCodePoints(a.subject, b.subject) || compareCodePoints(a.structure, b.structure));
}

const cell = (v: number) => (Number.isNaN(v) ? '' : formatFixed(v, 3));
const csvField = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** `volumes.csv`'s cells, header first: voxels as integers, mm³ and the asymmetry index `%.3f`, NaN empty. */
export function volumesTableCells(volumes: readonly SubjectStructureVolume[]): string[][] {
  return [[...VOLUME_COLUMNS], ...volumeRows(volumes).map((r) => [r.subject, r.structure, String(r.voxels), cell(r.volume_mm3), cell(r.asymmetryIndex)])];
}

/**
 * `volumes.csv`: one row per subject and structure, in (Patient, Structure) order, as
 * {@link volumesTableCells}.
 * @example
 * ```ts
 * volumesCsv([{ subject: '1', structure: 'hippocampus_L', voxels: 3000, volume_mm3: 3000 }]);
 * // "Patient,Structure,Voxels,Volume_mm3,AsymmetryIndex\n1,hippocampus_L,3000,3000.000,\n"
 * ```
 */
export function volumesCsv(volumes: readonly SubjectStructureVolume[]): string {
  return `${volumesTableCells(volumes).map((r) => r.map(csvField).join(',')).join('\n')}\n`;
}

/** Per-structure aggregates of the 3-decimal-rounded volumes and asymmetry indices. */
export interface VolumeAggregate {
  readonly structure: string;
  readonly count: number;
  readonly Volume_mm3: PandasDescribe;
  readonly AsymmetryIndex: PandasDescribe;
}

/** The columns of `volumes_aggregates.csv`. */
export const VOLUME_AGGREGATE_COLUMNS: readonly string[] = ['Structure', 'count',
  ...['Volume_mm3', 'AsymmetryIndex'].flatMap((m) => ['mean', 'std', 'min', 'max'].map((s) => `${m}_${s}`))];

/**
 * InnerEye's style of aggregate: per structure (code point order), pandas' describe (count, mean,
 * std with ddof 1, min, max) of the per-subject values rounded half-to-even to 3 decimals.
 */
export function volumeAggregates(volumes: readonly SubjectStructureVolume[]): VolumeAggregate[] {
  const rows = volumeRows(volumes);
  const names = [...new Set(rows.map((r) => r.structure))].sort(compareCodePoints);
  return names.map((structure) => {
    const of = rows.filter((r) => r.structure === structure);
    const vol = describeLikePandas(of.map((r) => roundHalfEven(r.volume_mm3)));
    return { structure, count: vol.count, Volume_mm3: vol, AsymmetryIndex: describeLikePandas(of.map((r) => roundHalfEven(r.asymmetryIndex))) };
  });
}

/**
 * `volumes_aggregates.csv`, written as InnerEye writes `metrics_aggregates.csv`
 * (`to_csv(float_format="%.3f")`): count like `20.000`, NaN empty.
 */
export function volumesAggregatesCsv(volumes: readonly SubjectStructureVolume[]): string {
  const lines = [VOLUME_AGGREGATE_COLUMNS.join(',')];
  for (const a of volumeAggregates(volumes)) {
    lines.push([csvField(a.structure), formatFixed(a.count, 3),
      ...(['Volume_mm3', 'AsymmetryIndex'] as const).flatMap((m) => (['mean', 'std', 'min', 'max'] as const).map((s) => cell(a[m][s])))].join(','));
  }
  return `${lines.join('\n')}\n`;
}
