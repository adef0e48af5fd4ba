import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runInNewContext } from 'node:vm';
import { gunzipSync } from 'node:zlib';
import { readDicomSeries, readRtStruct, rasteriseRoi } from '@seahorse/dicom';
import { decodeNifti, readNifti } from '@seahorse/io';
import { VIEWER_DATA_GLOBAL, type ViewerData } from '@seahorse/metrics';
import { describeWithSharedData, repoRoot, sharedPath } from '@seahorse/testkit';
import { afterAll, expect, it } from 'vitest';
import { runCli } from './program.js';

// The XA30 enhanced series (128×128×96 at 2 mm, one multi-frame file) with the committed demo model.
const SERIES = 'data/dicom/siemens_sag_tfl_enhanced';

describeWithSharedData('seahorse segment on DICOM', [SERIES], () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'seahorse-cli-dicom-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes segmentation.nii.gz on the series grid, rtstruct.dcm and seg.dcm; the RTSTRUCT rasterises back to the segmentation', async () => {
    const out = path.join(dir, 'out');
    const lines: string[] = [];
    const code = await runCli(['segment', sharedPath(SERIES), '--model', path.join(repoRoot(), 'models/demo'), '--out', out, '--threads', '1', '--dicom-seg'], (l) => lines.push(l));
    expect(code, lines.join('\n')).toBe(0);
    for (const f of ['segmentation.nii.gz', 'rtstruct.dcm', 'seg.dcm']) expect(existsSync(path.join(out, f)), f).toBe(true);
    const { volume, series } = await readDicomSeries(sharedPath(SERIES));
    const seg = readNifti(path.join(out, 'segmentation.nii.gz'), { kind: 'label' });
    expect(seg.shapeXYZ).toEqual(volume.shapeXYZ);
    // The QC picture and the viewer page, NiiVue beside it; the viewer's scan (from DICOM: encoded from the series read) on the same grid.
    for (const f of ['qc.png', 'viewer.html', 'viewer-data.js', 'niivue.js']) expect(existsSync(path.join(out, f)), f).toBe(true);
    const window: Record<string, unknown> = {};
    runInNewContext(readFileSync(path.join(out, 'viewer-data.js'), 'utf8'), { window });
    const data = window[VIEWER_DATA_GLOBAL] as ViewerData;
    const shownScan = decodeNifti(gunzipSync(Buffer.from(data.scan, 'base64')));
    expect(shownScan.shapeXYZ).toEqual(volume.shapeXYZ);
    expect(Array.from(shownScan.affine)).toEqual(Array.from(seg.affine));
    expect(data.groundTruth).toBeNull();
    const rt = readRtStruct(path.join(out, 'rtstruct.dcm'));
    expect(rt.referencedSeriesInstanceUid).toBe(series.seriesInstanceUid);
    expect(rt.rois.map((r) => r.name)).toEqual(['hippocampus_L', 'hippocampus_R']);
    for (const [i, roi] of rt.rois.entries()) {
      const mask = rasteriseRoi(rt, roi.name, volume);
      let a = 0, b = 0, both = 0;
      for (let k = 0; k < mask.data.length; k++) {
        const u = seg.data[k] === i + 1, v = mask.data[k] === 1;
        a += u ? 1 : 0; b += v ? 1 : 0; both += u && v ? 1 : 0;
      }
      // Only in-slice holes differ (the RTSTRUCT holds outer contours); an empty class stays empty.
      expect(a + b === 0 ? 1 : (2 * both) / (a + b), roi.name).toBeGreaterThanOrEqual(0.98);
      // The multi-frame source: every contour references the one SOP instance (with its frame).
      for (const c of roi.contours) expect(c.referencedSopInstanceUid).toBe(series.slices[0]!.sopInstanceUid);
    }
  }, 600_000);

  it('a folder with no DICOM image exits 2 with the folder named', async () => {
    const lines: string[] = [];
    const code = await runCli(['segment', sharedPath('data/dicom-rt-samples/dicompyler_breast/rtss.dcm'), '--model', path.join(repoRoot(), 'models/demo'), '--out', path.join(dir, 'bad')], (l) => lines.push(l));
    expect(code).toBe(2);
    expect(lines.join('\n')).toMatch(/rtss\.dcm: no DICOM image found/);
  });
});
