import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonNumber, readJsonFile, writeJsonAtomic } from '@seahorse/files';
import { z } from 'zod';
import { readNifti, toZYX } from '@seahorse/io';
import { describeWithSharedData, runPythonReference, sharedPath } from '@seahorse/testkit';
import { computeExtendedStructureMetrics } from '../structure-metrics.js';
import { EXTENDED_COLUMNS, extendedValues, metricsExtendedAggregatesCsv, metricsExtendedCsv, type ExtendedSubjectStructureMetrics } from './extended-table.js';
import { pythonFloatRepr } from './format-number.js';
import { volumeAggregates, volumesAggregatesCsv, volumesCsv } from './volumes-table.js';

const dir = mkdtempSync(path.join(tmpdir(), 'seahorse-extended-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("pythonFloatRepr: Python's repr (pandas' to_csv without float_format)", () => {
  it.each([
    [2, '2.0'], [0.1, '0.1'], [1e-5, '1e-05'], [0.0001, '0.0001'], [1.5e16, '1.5e+16'], [1e16, '1e+16'],
    [123456789012345.6, '123456789012345.6'], [-0.5, '-0.5'], [0, '0.0'], [NaN, 'nan'], [-Infinity, '-inf'],
    [1 / 3, '0.3333333333333333'], [5e-324, '5e-324'], [1.7976931348623157e308, '1.7976931348623157e+308'],
  ])('%s → %s', (x, s) => expect(pythonFloatRepr(x)).toBe(s));
});

describe('volumes.csv and its aggregates', () => {
  const volumes = [
    { subject: '2', structure: 'hippocampus_R', voxels: 2900, volume_mm3: 2900 * 1.2 },
    { subject: '2', structure: 'hippocampus_L', voxels: 3100, volume_mm3: 3100 * 1.2 },
    { subject: '1', structure: 'hippocampus_L', voxels: 0, volume_mm3: 0 },
    { subject: '1', structure: 'hippocampus_R', voxels: 0, volume_mm3: 0 },
    { subject: '1', structure: 'amygdala', voxels: 10, volume_mm3: 12 },
  ];
  it('writes voxels, mm³ and (L−R)/((L+R)/2) on both rows of a pair; NaN (empty) where L+R is 0 or there is no partner', () => {
    expect(volumesCsv(volumes)).toBe([
      'Patient,Structure,Voxels,Volume_mm3,AsymmetryIndex',
      '1,amygdala,10,12.000,',
      '1,hippocampus_L,0,0.000,',
      '1,hippocampus_R,0,0.000,',
      '2,hippocampus_L,3100,3720.000,0.067',
      '2,hippocampus_R,2900,3480.000,0.067',
      '',
    ].join('\n'));
  });
  it("aggregates as InnerEye's: describe of the 3-decimal values per structure, %.3f, count like 2.000", () => {
    const agg = volumeAggregates(volumes).find((a) => a.structure === 'hippocampus_L')!;
    expect(agg.Volume_mm3).toMatchObject({ count: 2, mean: 1860, min: 0, max: 3720 });
    expect(agg.AsymmetryIndex.count).toBe(1);
    expect(volumesAggregatesCsv(volumes).split('\n')[2]).toBe('hippocampus_L,2.000,1860.000,2630.437,0.000,3720.000,0.067,,0.067,0.067');
  });
  it('refuses a negative or fractional voxel count, naming the entry', () => {
    expect(() => volumesCsv([{ subject: 'x', structure: 's', voxels: 1.5, volume_mm3: 1 }])).toThrow("volumes[0].voxels (subject 'x', structure 's') must be a count, got 1.5");
  });
});

const decode = (v: unknown) => (v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v);

describeWithSharedData('metrics_extended.csv reads back in pandas to the values of metrics.json',
  ['data/msd-hippocampus/labelsTr/hippocampus_003.nii.gz', 'models/msd-reference/reference-segmentations/hippocampus_003_seg.nii.gz'], () => {
    it('every value of real results (MSD crops, PyTorch\'s segmentations), an empty prediction and an empty pair included', async () => {
      const rows: ExtendedSubjectStructureMetrics[] = [];
      for (const c of ['003', '004', '006', '007']) {
        const seg = readNifti(sharedPath(`models/msd-reference/reference-segmentations/hippocampus_${c}_seg.nii.gz`), { kind: 'label' });
        const lab = readNifti(sharedPath(`data/msd-hippocampus/labelsTr/hippocampus_${c}.nii.gz`), { kind: 'label' });
        const gt = [1, 2].map((k) => ({ ...toZYX(lab), data: Uint8Array.from(lab.data, (v) => (v === k ? 1 : 0)) }));
        rows.push(...computeExtendedStructureMetrics(toZYX(seg), gt, { structures: ['anterior', 'posterior'] }).map((m) => ({ ...m, subject: c })));
        if (c === '007') {
          // An empty prediction against real ground truth, and both empty: inf, NaN.
          const empty = { ...toZYX(seg), data: new Uint8Array(seg.data.length) };
          rows.push(...computeExtendedStructureMetrics(empty, [gt[0]!, { ...gt[0]!, data: new Uint8Array(seg.data.length) }], { structures: ['anterior', 'posterior'] })
            .map((m) => ({ ...m, subject: 'empty' })));
        }
      }
      // What each subject's metrics.json holds: the rows through Seahorse's JSON codec.
      const json = path.join(dir, 'metrics.json');
      writeJsonAtomic(json, rows);
      const read = readJsonFile(json, z.array(z.object({ subject: z.string(), structure: z.string() }).catchall(jsonNumber())));
      if (read.status !== 'ok') throw new Error(`metrics.json unreadable: ${JSON.stringify(read)}`);
      const stored = read.value as unknown as ExtendedSubjectStructureMetrics[];
      expect(readFileSync(json, 'utf8')).toContain('"Infinity"');
      const table = path.join(dir, 'metrics_extended.csv');
      const aggregates = path.join(dir, 'metrics_extended_aggregates.csv');
      writeFileSync(table, metricsExtendedCsv(stored));
      writeFileSync(aggregates, metricsExtendedAggregatesCsv(stored));
      expect(readFileSync(table, 'utf8')).toMatch(/^Patient,Structure,Dice,.*,VolumeDifference_percent\n/);
      const back = await runPythonReference<{
        columns: string[]; dtypes: Record<string, string>; rows: unknown[][];
        aggregates: Record<string, Record<string, unknown>>; describe: Record<string, Record<string, Record<string, unknown>>>;
      }>('metrics_extended_readback.py', [table, aggregates]);
      expect(back.columns).toEqual(['Patient', 'Structure', ...EXTENDED_COLUMNS]);
      for (const c of EXTENDED_COLUMNS) expect(back.dtypes[c], c).toBe('float64');
      const sorted = [...stored].sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : a.structure < b.structure ? -1 : 1));
      expect(back.rows).toHaveLength(sorted.length);
      back.rows.forEach((r, i) => {
        const want = extendedValues(sorted[i]!);
        expect([r[0], r[1]]).toEqual([sorted[i]!.subject, sorted[i]!.structure]);
        // Exactly equal, bit for bit: NaN read back as NaN, inf as inf.
        EXTENDED_COLUMNS.forEach((c, j) => expect(Object.is(decode(r[j + 2]), want[c]) || decode(r[j + 2]) === want[c], `${sorted[i]!.subject}/${sorted[i]!.structure} ${c}: ${String(r[j + 2])} vs ${want[c]}`).toBe(true));
      });
      const emptyPrediction = back.rows.find((r) => r[0] === 'empty' && r[1] === 'anterior')!;
      expect(decode(emptyPrediction[3])).toBe(Infinity); // Hausdorff
      expect(decode(emptyPrediction[back.columns.indexOf('VolumeDifference_percent')])).toBe(-100);
      expect(decode(back.rows.find((r) => r[0] === 'empty' && r[1] === 'posterior')![2])).toBeNaN(); // Dice of an empty pair
      // Our aggregates equal pandas' describe of the table it read back (rtol 1e-12: pandas may sum in another order).
      for (const [structure, perMetric] of Object.entries(back.describe)) {
        for (const [metric, stats] of Object.entries(perMetric)) {
          for (const [stat, value] of Object.entries(stats)) {
            const ours = decode(back.aggregates[structure]![`${metric}_${stat}`]) as number;
            const theirs = decode(value) as number;
            if (Number.isFinite(theirs)) expect(Math.abs(ours - theirs), `${structure} ${metric}_${stat}`).toBeLessThanOrEqual(1e-12 * Math.abs(theirs));
            else expect(Object.is(ours, theirs) || ours === theirs, `${structure} ${metric}_${stat}: ${ours} vs ${theirs}`).toBe(true);
          }
        }
      }
    }, 120_000);
  });
