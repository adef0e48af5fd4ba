import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { VolumeZYX } from '@seahorse/io';
import { describeWithSharedData, readNpy, runPythonReference, sharedDir } from '@seahorse/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsError } from './errors.js';
import { cropMaskPair } from './mask-pair.js';
import { averageSymmetricSurfaceDistanceMonaiMm, hausdorffPercentileMonaiMm } from './monai-surface-distance.js';
import { computeExtendedStructureMetrics, computeStructureMetrics } from './structure-metrics.js';
import { diceNumeric, hausdorffDistanceMm, innerEyeDistancesOfPair, meanDistanceMm } from './surface-distance.js';

type Num = number | 'nan' | 'inf' | '-inf';
interface RefCase {
  name: string; pred: string; gt: string; spacingZYX: [number, number, number];
  itk: { dice: Num; hd: Num; md: Num; mdExact: Num; itkMapRelError: number };
  monai: { hd95: Num; assd: Num };
}

const num = (v: Num): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : v);

/** `null` when `ours` matches `ref` within `rtol` (non-finite values must be identical), else a description. */
function mismatch(name: string, what: string, ours: number, ref: number, rtol: number): string | null {
  if (Number.isNaN(ref) || !Number.isFinite(ref)) return Object.is(ours, ref) ? null : `${name} ${what}: ${ours} vs ${ref}`;
  const ok = rtol === 0 ? ours === ref : Math.abs(ours - ref) <= rtol * Math.max(Math.abs(ours), Math.abs(ref));
  return ok ? null : `${name} ${what}: ${ours} vs ${ref} (rel ${Math.abs(ours - ref) / Math.abs(ref)})`;
}

function volume(file: string, spacingZYX: [number, number, number]): VolumeZYX<Uint8Array> {
  const a = readNpy(file);
  return { data: a.data as Uint8Array, shapeZYX: [a.shape[0]!, a.shape[1]!, a.shape[2]!], spacingZYX };
}

describeWithSharedData('parity with InnerEye\'s SimpleITK calls on real pairs from the shared data',
  ['data/msd-hippocampus/labelsTr', 'data/colin27-aal/hippocampus_L.nii.gz'], () => {
    let dir = '';
    let cases: { ref: RefCase; pred: VolumeZYX<Uint8Array>; gt: VolumeZYX<Uint8Array> }[] = [];
    beforeAll(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'seahorse-metrics-'));
      const out = await runPythonReference<{ cases: RefCase[] }>('metrics_innereye.py', [dir, sharedDir()]);
      cases = out.cases.map((ref) => ({ ref, pred: volume(ref.pred, ref.spacingZYX), gt: volume(ref.gt, ref.spacingZYX) }));
    });
    afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

    it('covers every kind of pair the issue lists', () => {
      const names = cases.map((c) => c.ref.name);
      expect(names.length).toBeGreaterThanOrEqual(100);
      for (const kind of ['/eroded', '/dilated', '/shifted', '/border/', 'colin27/', '/resampled', 'empty/both',
        'empty/prediction', 'empty/ground-truth', 'full-volume']) {
        expect(names.some((n) => n.includes(kind)), kind).toBe(true);
      }
      expect(cases.some((c) => new Set(c.ref.spacingZYX).size > 1), 'an anisotropic spacing').toBe(true);
    });

    it('DiceNumeric is bitwise identical to LabelOverlapMeasuresImageFilter', () => {
      const bad = cases.map(({ ref, pred, gt }) => mismatch(ref.name, 'Dice', diceNumeric(pred, gt), num(ref.itk.dice), 0));
      expect(bad.filter((b) => b !== null)).toEqual([]);
    });

    it('HausdorffDistance_mm equals HausdorffDistanceImageFilter bit for bit (float64 FH EDT: within 1e-9)', () => {
      const bad = cases.map(({ ref, pred, gt }) => mismatch(ref.name, 'HD', hausdorffDistanceMm(pred, gt), num(ref.itk.hd), 0));
      expect(bad.filter((b) => b !== null)).toEqual([]);
      const exact = cases.map(({ ref, pred, gt }) =>
        mismatch(ref.name, 'HD', hausdorffDistanceMm(pred, gt, 'float64'), num(ref.itk.hd), 1e-9));
      expect(exact.filter((b) => b !== null)).toEqual([]);
    });

    it('MeanDistance_mm equals SignedMaurerDistanceMap + LabelContour + np.mean, value for value', () => {
      // Default arithmetic 'simpleitk': float32 Maurer maps in ITK's operation order, numpy's mean.
      const bad = cases.map(({ ref, pred, gt }) => mismatch(ref.name, 'MD', meanDistanceMm(pred, gt), num(ref.itk.md), 0));
      expect(bad.filter((b) => b !== null)).toEqual([]);
      // ...which is what makes the difference on anisotropic spacings: SimpleITK's own float32 stray.
      expect(Math.max(...cases.map((c) => c.ref.itk.itkMapRelError))).toBeGreaterThan(1e-6);
    });

    it("MeanDistance_mm in 'float64' equals the formula with scipy's exact EDT within 1e-12, and SimpleITK within 1e-6 plus its float32 stray", () => {
      const bad = cases.map(({ ref, pred, gt }) =>
        mismatch(ref.name, 'MD', meanDistanceMm(pred, gt, 'float64'), num(ref.itk.mdExact), 1e-12));
      expect(bad.filter((b) => b !== null)).toEqual([]);
      const loose = cases.map(({ ref, pred, gt }) =>
        mismatch(ref.name, 'MD', meanDistanceMm(pred, gt, 'float64'), num(ref.itk.md), 1e-6 + ref.itk.itkMapRelError));
      expect(loose.filter((b) => b !== null)).toEqual([]);
    });

    it('the bounding-box computation equals a full-volume computation, bit for bit', () => {
      let compared = 0;
      for (const { ref, pred, gt } of cases) {
        const src = (v: VolumeZYX) => ({ data: v.data, label: undefined, name: ref.name });
        const box = cropMaskPair(src(pred), src(gt), pred.shapeZYX, pred.spacingZYX, 1);
        const whole = cropMaskPair(src(pred), src(gt), pred.shapeZYX, pred.spacingZYX, Infinity);
        if (box.countA === 0 || box.countB === 0) continue;
        expect(whole.shapeZYX).toEqual(pred.shapeZYX);
        expect(innerEyeDistancesOfPair(box), ref.name).toEqual(innerEyeDistancesOfPair(whole));
        // The float64 path shares the crop; on the one 7-million-voxel case only the default is compared.
        if (pred.data.length <= 1_000_000) {
          expect(innerEyeDistancesOfPair(box, 'float64'), ref.name).toEqual(innerEyeDistancesOfPair(whole, 'float64'));
        }
        compared++;
      }
      expect(compared).toBeGreaterThanOrEqual(100);
    });

    it('computeStructureMetrics on a label map gives the same numbers as the pure functions', () => {
      for (const { ref, pred, gt } of cases.filter((_, i) => i % 7 === 0)) {
        // Class 2 = prediction, so the label map also holds a distractor class 1 (its complement in a slab).
        const labels = new Uint8Array(pred.data.length);
        for (let i = 0; i < labels.length; i++) labels[i] = pred.data[i] ? 2 : (i % 5 === 0 ? 1 : 0);
        const seg = { data: labels, shapeZYX: pred.shapeZYX, spacingZYX: pred.spacingZYX };
        const [row] = computeStructureMetrics(seg, [gt, gt], { structures: ['other', 'target'], subject: ref.name }).slice(1);
        expect(row!.structure).toBe('target');
        expect(Object.is(row!.DiceNumeric, num(ref.itk.dice)), ref.name).toBe(true);
        expect(mismatch(ref.name, 'HD', row!.HausdorffDistance_mm, num(ref.itk.hd), 0)).toBeNull();
        expect(mismatch(ref.name, 'MD', row!.MeanDistance_mm, num(ref.itk.md), 0)).toBeNull();
      }
    });

    it('MONAI-convention HD95 and ASSD match a scipy re-implementation of MONAI within 1e-9 relative', () => {
      const bad: (string | null)[] = [];
      for (const { ref, pred, gt } of cases) {
        bad.push(mismatch(ref.name, 'HD95', hausdorffPercentileMonaiMm(pred, gt), num(ref.monai.hd95), 1e-9));
        bad.push(mismatch(ref.name, 'ASSD', averageSymmetricSurfaceDistanceMonaiMm(pred, gt), num(ref.monai.assd), 1e-9));
      }
      expect(bad.filter((b) => b !== null)).toEqual([]);
      const ext = cases.slice(0, 8).map(({ pred, gt }) => computeExtendedStructureMetrics(pred, [gt], { structures: ['s'] })[0]!);
      ext.forEach((e, i) => {
        expect(mismatch('ext', 'HD95', e.HD95_MONAI_mm, num(cases[i]!.ref.monai.hd95), 1e-9)).toBeNull();
        expect(e.PredictedVolume_mm3).toBeGreaterThan(0);
      });
    });
  });

describe('computeStructureMetrics input checks', () => {
  const grid = { shapeZYX: [1, 2, 2] as const, spacingZYX: [1, 1, 1] as const };
  it('a ground truth with a value other than 0 and 1 is a NOT_BINARY error naming the structure, subject and voxel', () => {
    const seg = { data: Uint8Array.of(0, 1, 0, 0), ...grid };
    const gt = { data: Float32Array.of(0, 1, 0.5, 0), ...grid };
    expect(() => computeStructureMetrics(seg, [gt], { structures: ['hippocampus_L'], subject: '007' }))
      .toThrow(/ground truth 'hippocampus_L' of subject '007'.*found 0\.5 at voxel \(z=0, y=1, x=0\)/);
    try { computeStructureMetrics(seg, [gt], { structures: ['hippocampus_L'] }); } catch (e) {
      expect(e).toBeInstanceOf(MetricsError);
      expect((e as MetricsError).code).toBe('NOT_BINARY');
    }
  });
  it('names and masks must agree in number', () => {
    const seg = { data: new Uint8Array(4), ...grid };
    expect(() => computeStructureMetrics(seg, [seg], { structures: ['a', 'b'] })).toThrow(/2 structure\(s\) \[a, b\] but 1 ground-truth/);
    expect(() => computeStructureMetrics(seg, [seg], { structures: [''] })).toThrow(MetricsError);
  });
  it('a mask on another grid is a SHAPE_MISMATCH or SPACING_MISMATCH error printing both', () => {
    const seg = { data: new Uint8Array(4), ...grid };
    expect(() => computeStructureMetrics(seg, [{ data: new Uint8Array(4), shapeZYX: [2, 2, 1], spacingZYX: [1, 1, 1] }],
      { structures: ['a'] })).toThrow(/\[1, 2, 2\] but ground truth 'a' has \[2, 2, 1\]/);
    expect(() => computeStructureMetrics(seg, [{ data: new Uint8Array(4), shapeZYX: [1, 2, 2], spacingZYX: [1, 1, 1.5] }],
      { structures: ['a'] })).toThrow(/spacingZYX \[1, 1, 1\] mm but ground truth 'a' has \[1, 1, 1\.5\]/);
  });
});
