import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runInNewContext } from 'node:vm';
import { gunzipSync } from 'node:zlib';
import { decodeNifti, readNifti, writeNifti, type VolumeXYZ } from '@seahorse/io';
import { VIEWER_DATA_GLOBAL, type ViewerData } from '@seahorse/metrics';
import { describeWithSharedData, sharedPath } from '@seahorse/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { labelSurface, loadSubjectInputs, niivueScriptFile, writeSubjectViewerPage, type SubjectInputs } from './index.js';

const temp = mkdtempSync(path.join(tmpdir(), 'seahorse-viewer-page-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** The data a page's script sets, read as a browser would (the script run in a sandbox). */
function readData(file: string): ViewerData {
  const window: Record<string, unknown> = {};
  runInNewContext(readFileSync(file, 'utf8'), { window });
  return window[VIEWER_DATA_GLOBAL] as ViewerData;
}
const volumeOf = (b64: string) => decodeNifti(gunzipSync(Buffer.from(b64, 'base64')), '<viewer data>', { kind: 'label' });

const affine = Float64Array.from([2, 0, 0, -10, 0, 2, 0, -20, 0, 0, 2, -30, 0, 0, 0, 1]);
const shapeXYZ: [number, number, number] = [8, 7, 6];
function volume(fill: (x: number, y: number, z: number) => number, Arr: Uint8ArrayConstructor | Float32ArrayConstructor = Uint8Array): VolumeXYZ {
  const data = new Arr(8 * 7 * 6);
  for (let z = 0, i = 0; z < 6; z++) for (let y = 0; y < 7; y++) for (let x = 0; x < 8; x++, i++) data[i] = fill(x, y, z);
  return { data, shapeXYZ, affine, kind: Arr === Uint8Array ? 'label' : 'intensity' };
}
const box = (x: number, y: number, z: number) => x >= 2 && x <= 5 && y >= 2 && y <= 5 && z >= 1 && z <= 4;

describe('writeSubjectViewerPage', () => {
  const scanFile = path.join(temp, 'scan.nii.gz');
  writeNifti(scanFile, volume((x, y, z) => x + y + z, Float32Array));

  it('a labelled subject: page, data and NiiVue written; the data holds the scan as stored, the segmentation and the ground truth\'s surface', async () => {
    const dir = path.join(temp, 'labelled');
    mkdirSync(dir, { recursive: true });
    const seg = path.join(dir, 'segmentation.nii.gz');
    writeNifti(seg, volume((x, y, z) => (box(x, y, z) ? 1 : 0)), { datatype: 'uint8' });
    const gtFile = path.join(temp, 'gt.nii.gz');
    writeNifti(gtFile, volume((x, y, z) => (box(x, y, z) || (x === 6 && box(5, y, z)) ? 1 : 0)), { datatype: 'uint8' });
    const subject: SubjectInputs = { id: 's<1>', images: [scanFile], groundTruth: { kind: 'masks', masks: { h: gtFile } } };
    const written = await writeSubjectViewerPage({ subject, segmentationFile: seg, structures: ['h'], niivueFile: path.join(temp, 'viewer', 'niivue.js') });
    expect(readFileSync(written.niivue)).toEqual(readFileSync(niivueScriptFile()));
    const page = readFileSync(written.page, 'utf8');
    expect(page).toContain('<title>subject s&lt;1&gt;</title>');
    expect(page).toContain('<script src="../viewer/niivue.js"></script>');
    expect(page).toContain('<script src="viewer-data.js"></script>');
    expect(page).not.toContain('no ground truth');
    expect(page).not.toContain('Empty prediction');
    const data = readData(written.data);
    expect(Buffer.from(data.scan, 'base64')).toEqual(readFileSync(scanFile));
    expect(Buffer.from(data.prediction, 'base64')).toEqual(readFileSync(seg));
    const gt = volumeOf(data.groundTruth!);
    const gtMask = readNifti(gtFile, { kind: 'label' });
    expect(Array.from(gt.data)).toEqual(Array.from(labelSurface(Uint8Array.from(gtMask.data), shapeXYZ)));
    expect(Array.from(gt.affine)).toEqual(Array.from(affine));
    // The box's centroid (3.5, 3.5, 2.5) in world mm.
    expect(data.focusMm).toEqual([-3, -13, -25]);
  });

  it('an empty prediction without labels still gets a page that says so', async () => {
    const dir = path.join(temp, 'empty');
    mkdirSync(dir, { recursive: true });
    const seg = path.join(dir, 'segmentation.nii.gz');
    writeNifti(seg, volume(() => 0), { datatype: 'uint8' });
    const written = await writeSubjectViewerPage({ subject: { id: 'e', images: [scanFile], groundTruth: null }, segmentationFile: seg, structures: ['h_L', 'h_R'] });
    expect(written.niivue).toBe(path.join(dir, 'niivue.js'));
    const page = readFileSync(written.page, 'utf8');
    expect(page).toContain('<span class="item" id="no-ground-truth">no ground truth</span>');
    expect(page).toContain('Empty prediction: nothing predicted for h_L, h_R.');
    const data = readData(written.data);
    expect(data.groundTruth).toBeNull();
    expect(data.focusMm).toEqual([-3, -14, -25]); // the volume's centre
  });

  it('labelSurface keeps the voxels with a face neighbour outside the structure', () => {
    const labels = Uint8Array.from(volume((x, y, z) => (box(x, y, z) ? 2 : 0)).data);
    const surface = labelSurface(labels, shapeXYZ);
    const at = (x: number, y: number, z: number) => surface[x + 8 * (y + 7 * z)];
    expect(at(2, 2, 1)).toBe(2);
    expect(at(3, 3, 2)).toBe(0); // inside
    expect(at(0, 0, 0)).toBe(0);
    expect(surface.filter((v) => v === 2).length).toBe(4 * 4 * 4 - 2 * 2 * 2);
  });
});

describeWithSharedData('viewer page of a real-size scan', ['data/colin27-aal/dataset.csv'], () => {
  it('colin27 (181×217×181, uint8) with its hippocampus masks: the data script stays a few MB', async () => {
    const [subject] = loadSubjectInputs(sharedPath('data/colin27-aal/dataset.csv'));
    const masks = (subject!.groundTruth as { kind: 'masks'; masks: Record<string, string> }).masks;
    // The atlas masks as the "prediction", so the page carries both overlays at full size.
    const l = readNifti(masks.hippocampus_L!, { kind: 'label' });
    const r = readNifti(masks.hippocampus_R!, { kind: 'label' });
    mkdirSync(path.join(temp, 'colin'), { recursive: true });
    const seg = path.join(temp, 'colin', 'segmentation.nii.gz');
    writeNifti(seg, { ...l, data: Uint8Array.from(l.data, (v, i) => (v ? 1 : r.data[i] ? 2 : 0)) }, { datatype: 'uint8' });
    const written = await writeSubjectViewerPage({ subject: subject!, segmentationFile: seg, structures: ['hippocampus_L', 'hippocampus_R'] });
    const mb = (f: string) => statSync(f).size / 1e6;
    console.log(`colin27 viewer: viewer-data.js ${mb(written.data).toFixed(2)} MB (scan ${mb(subject!.images[0]!).toFixed(2)} MB as stored), viewer.html ${(statSync(written.page).size / 1e3).toFixed(1)} kB, niivue.js ${mb(written.niivue).toFixed(2)} MB`);
    // base64 of the stored scan (4/3) plus two small label maps.
    expect(mb(written.data)).toBeLessThan(mb(subject!.images[0]!) * 4 / 3 + 1);
    const data = readData(written.data);
    expect(volumeOf(data.prediction).shapeXYZ).toEqual([181, 217, 181]);
  });
});
