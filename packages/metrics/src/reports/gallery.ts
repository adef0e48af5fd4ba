// The order of the QC gallery, worst first, and which subjects are outliers: by Dice where a
// subject has ground truth, by how far its volumes lie from the cohort's median where it has not.
import { quantileLinear } from '../numpy-sum.js';
import { compareCodePoints, type SubjectStructureMetrics } from './metrics-tables.js';
import type { SubjectStructureVolume } from './volumes-table.js';

/** One subject's place in the gallery. */
export interface GalleryEntry {
  readonly subject: string;
  readonly labelled: boolean;
  /** Labelled: the lowest Dice over its structures. Unlabelled: the largest |volume − median| / median over its structures. */
  readonly score: number;
  /** Why it is flagged (Tukey's fences per structure: Dice below Q1 − 1.5·IQR; a volume outside Q1 − 1.5·IQR … Q3 + 1.5·IQR), empty when it is not. */
  readonly outlierReasons: readonly string[];
  /** A short line for the picture's caption. */
  readonly caption: string;
}

function fences(values: number[]): [number, number] {
  const sorted = Float64Array.from(values.filter(Number.isFinite)).sort();
  if (sorted.length < 4) return [-Infinity, Infinity];
  const q1 = quantileLinear(sorted, 0.25);
  const q3 = quantileLinear(sorted, 0.75);
  return [q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1)];
}

const fmt = (v: number, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : String(v));

/**
 * The gallery's subjects, worst first: labelled subjects by their lowest Dice (ascending; NaN
 * last), then unlabelled ones by their largest relative distance from the structure's cohort
 * median volume (descending). Ties keep subject order (code points).
 */
export function galleryOrder(
  subjects: readonly { subject: string; labelled: boolean }[],
  results: readonly SubjectStructureMetrics[],
  volumes: readonly SubjectStructureVolume[],
): GalleryEntry[] {
  const structures = [...new Set(volumes.map((v) => v.structure))].sort(compareCodePoints);
  const median = new Map<string, number>();
  const volumeFences = new Map<string, [number, number]>();
  const diceFences = new Map<string, [number, number]>();
  for (const s of structures) {
    const vs = volumes.filter((v) => v.structure === s).map((v) => v.volume_mm3);
    median.set(s, quantileLinear(Float64Array.from(vs).sort(), 0.5));
    volumeFences.set(s, fences(vs));
  }
  for (const s of new Set(results.map((r) => r.structure))) diceFences.set(s, fences(results.filter((r) => r.structure === s).map((r) => r.DiceNumeric)));
  const entries = subjects.map((subj): GalleryEntry => {
    const rows = results.filter((r) => r.subject === subj.subject);
    const vols = volumes.filter((v) => v.subject === subj.subject);
    const reasons: string[] = [];
    for (const r of rows) {
      const [lo] = diceFences.get(r.structure)!;
      if (r.DiceNumeric < lo) reasons.push(`${r.structure}: Dice ${fmt(r.DiceNumeric)} below the cohort's lower fence ${fmt(lo)}`);
    }
    for (const v of vols) {
      const [lo, hi] = volumeFences.get(v.structure)!;
      if (v.volume_mm3 < lo || v.volume_mm3 > hi) reasons.push(`${v.structure}: volume ${fmt(v.volume_mm3, 0)} mm³ outside the cohort's fences ${fmt(lo, 0)}–${fmt(hi, 0)}`);
    }
    if (subj.labelled && rows.length > 0) {
      const dice = rows.map((r) => r.DiceNumeric).filter((d) => !Number.isNaN(d));
      const score = dice.length ? Math.min(...dice) : NaN;
      return { subject: subj.subject, labelled: true, score, outlierReasons: reasons, caption: `lowest Dice ${fmt(score)}` };
    }
    const distances = vols.map((v) => Math.abs(v.volume_mm3 - median.get(v.structure)!) / median.get(v.structure)!).filter((d) => !Number.isNaN(d));
    const score = distances.length ? Math.max(...distances) : NaN;
    return { subject: subj.subject, labelled: false, score, outlierReasons: reasons, caption: `volume ${fmt(100 * score, 1)}% from the cohort median` };
  });
  const nanLast = (a: number, b: number, dir: 1 | -1) => (Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : Number.isNaN(b) ? -1 : dir * (a - b));
  return entries.sort((a, b) => (a.labelled === b.labelled ? 0 : a.labelled ? -1 : 1)
    || (a.labelled ? nanLast(a.score, b.score, 1) : nanLast(a.score, b.score, -1))
    || compareCodePoints(a.subject, b.subject));
}
