import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readNifti, type VolumeXYZ } from '@seahorse/io';
import { describeWithSharedData, runPythonReference, sharedPath } from '@seahorse/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDataSet } from './header.js';
import { readDicomSeries, type DicomSeriesRead } from './index.js';
import { toolMissing } from './reference-tools.test-helpers.js';
import { rasteriseRoi, readRtStruct } from './rtstruct-read.js';
import { RESEARCH_USE_STATEMENT, writeRtStruct } from './rtstruct-write.js';
import { knownSegmentation, PHILIPS, ROIS } from './known-mask.test-helpers.js';
import { diceInWorld } from './world-compare.test-helpers.js';


/** Fills background not 4-connected to the slice border; returns how many pixels were filled. */
function fillSliceHoles(slice: Uint8Array, w: number, h: number): number {
  const outside = new Uint8Array(w * h);
  const stack: number[] = [];
  for (let x = 0; x < w; x++) stack.push(x, x + w * (h - 1));
  for (let y = 0; y < h; y++) stack.push(w * y, w - 1 + w * y);
  while (stack.length) {
    const i = stack.pop()!;
    if (outside[i] || slice[i]) continue;
    outside[i] = 1;
    const x = i % w;
    if (x > 0) stack.push(i - 1);
    if (x < w - 1) stack.push(i + 1);
    if (i >= w) stack.push(i - w);
    if (i < w * (h - 1)) stack.push(i + w);
  }
  let filled = 0;
  for (let i = 0; i < slice.length; i++) if (!slice[i] && !outside[i]) { slice[i] = 1; filled++; }
  return filled;
}

describeWithSharedData('RTSTRUCT from a known mask on the Philips series', [PHILIPS], () => {
  let read: DicomSeriesRead;
  let seg: VolumeXYZ<Uint8Array>;
  const out = mkdtempSync(path.join(os.tmpdir(), 'seahorse-rtstruct-'));
  const file = path.join(out, 'rtstruct.dcm');
  beforeAll(async () => {
    read = await readDicomSeries(sharedPath(PHILIPS));
    seg = knownSegmentation(read.volume);
    const summary = writeRtStruct(file, seg, read.volume, read.series, ROIS, { modelName: 'test-mask', software: { name: 'Seahorse', version: '9.9.9' } });
    expect(summary.contours.hippocampus_L).toBeGreaterThan(20);
  }, 120_000);

  it('references the source series, its frame of reference and the SOP instance of every contoured slice', () => {
    const rt = readRtStruct(file);
    expect(rt.frameOfReferenceUid).toBe(read.series.frameOfReferenceUid);
    expect(rt.referencedSeriesInstanceUid).toBe(read.series.seriesInstanceUid);
    const sops = new Set(read.series.slices.map((s) => s.sopInstanceUid));
    expect(rt.rois.map((r) => [r.name, r.interpretedType, r.color])).toEqual([
      ['hippocampus_L', 'ORGAN', [255, 0, 0]], ['hippocampus_R', 'ORGAN', [0, 128, 255]]]);
    for (const roi of rt.rois) {
      expect(roi.frameOfReferenceUid).toBe(read.series.frameOfReferenceUid);
      for (const c of roi.contours) {
        expect(c.geometricType).toBe('CLOSED_PLANAR');
        expect(sops.has(c.referencedSopInstanceUid!)).toBe(true);
      }
    }
  });

  it('echoes patient and study, names the software and version, states research use', () => {
    const ds = parseDataSet(file, new Uint8Array(readFileSync(file)));
    expect(ds.string('x00100020')).toBe(read.series.patientStudy.PatientID);
    expect(ds.string('x0020000d')).toBe(read.series.patientStudy.StudyInstanceUID);
    expect(ds.string('x00080060')).toBe('RTSTRUCT');
    expect(ds.string('x00080070')).toBe('Seahorse');
    expect(ds.string('x00181020')).toBe('seahorse 9.9.9');
    expect(ds.string('x30060006')).toBe(RESEARCH_USE_STATEMENT);
    expect(ds.string('x0008103e')).toMatch(/research use/);
    expect(ds.string('x0020000e')).not.toBe(read.series.seriesInstanceUid);
  });

  it("read back and rasterised by Seahorse's even-odd fill: identical to the mask with its in-slice holes filled", () => {
    const rt = readRtStruct(file);
    const [X, Y, Z] = seg.shapeXYZ;
    for (const roi of ROIS) {
      const mask = rasteriseRoi(rt, roi.name, read.volume);
      const expected = Uint8Array.from(seg.data, (v) => (v === roi.label ? 1 : 0));
      let holes = 0;
      for (let z = 0; z < Z; z++) holes += fillSliceHoles(expected.subarray(z * X * Y, (z + 1) * X * Y), X, Y);
      let diff = 0;
      for (let i = 0; i < mask.data.length; i++) if (expected[i] !== mask.data[i]) diff++;
      expect(diff).toBe(0);
      expect(holes).toBeLessThan(10);
    }
  });

  const dices: Record<string, number> = {};
  afterAll(() => console.log(`RTSTRUCT round trip Dice: ${JSON.stringify(dices)}`));
  for (const tool of ['plastimatch', 'dcmrtstruct2nii'] as const) {
    const missing = tool === 'plastimatch' ? toolMissing('plastimatch') : undefined;
    it.skipIf(missing !== undefined)(`rasterised back by ${tool}: Dice ≥ 0.98 per ROI${missing ? ` [skipped: ${missing}]` : ''}`, async () => {
      // plastimatch cannot decode JPEG Lossless (it then rasterises onto a default grid without a
      // word): it gets the series decompressed by pydicom, the same images in Explicit VR LE.
      const series = tool === 'plastimatch'
        ? (await runPythonReference<{ out: string }>('dicom_fixtures.py', ['native', sharedPath(PHILIPS), path.join(out, 'native')])).out
        : sharedPath(PHILIPS);
      const { masks } = await runPythonReference<{ masks: Record<string, string> }>('dicom_rt_rasterise.py', [tool, file, series, path.join(out, tool)]);
      expect(Object.keys(masks).sort()).toEqual(['hippocampus_L', 'hippocampus_R']);
      for (const roi of ROIS) {
        const dice = diceInWorld(seg, roi.label, readNifti(masks[roi.name]!));
        dices[`${tool} ${roi.name}`] = dice;
        expect(dice, `${tool} ${roi.name}`).toBeGreaterThanOrEqual(0.98);
      }
    }, 180_000);
  }

  const noDciodvfy = toolMissing('dciodvfy');
  it.skipIf(noDciodvfy !== undefined)(`dciodvfy: no errors, no warnings of Seahorse's${noDciodvfy ? ` [skipped: ${noDciodvfy}]` : ''}`, () => {
    const r = spawnSync('dciodvfy', [file], { encoding: 'utf8' });
    const lines = `${r.stdout}\n${r.stderr}`.split('\n');
    expect(lines.filter((l) => /^Error/.test(l))).toEqual([]);
    // Warnings only on patient module values echoed from the vendor's file (a retired PN form).
    expect(lines.filter((l) => /^Warning/.test(l) && !/\(0x0010,0x0010\) PN Patient's Name/.test(l))).toEqual([]);
  });
});

describe('RTSTRUCT samples written by other tools', () => {
  it('rt-utils phantom: its ring (a square with a square hole) fills even-odd to 1443 px, as dcmrtstruct2nii', async () => {
    const dir = sharedPath('data/dicom-rt-samples/rtutils_ct_phantom');
    const { volume, warnings } = await readDicomSeries(dir);
    expect(warnings.join('\n')).toMatch(/rt\.dcm: skipped, RTSTRUCT object without pixel data/);
    const rt = readRtStruct(path.join(dir, 'rt.dcm'));
    const mask = rasteriseRoi(rt, 'ROI-1', volume);
    expect(mask.data.reduce((s, v) => s + v, 0)).toBe(1443);
  });

  it('dicompyler breast: 10 ROIs and 441 contours', () => {
    const rt = readRtStruct(sharedPath('data/dicom-rt-samples/dicompyler_breast/rtss.dcm'));
    expect(rt.rois).toHaveLength(10);
    expect(rt.rois.reduce((s, r) => s + r.contours.length, 0)).toBe(441);
  });
});
