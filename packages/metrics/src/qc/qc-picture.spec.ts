import { describe, expect, it } from 'vitest';
import type { VolumeXYZ } from '@seahorse/io';
import { readNifti } from '@seahorse/io';
import { describeWithSharedData, sharedPath } from '@seahorse/testkit';
import { QC_COLOURS, qcPicturePng, qcPictureSvg } from './qc-picture.js';

const [NX, NY, NZ] = [12, 10, 8];
const at = (x: number, y: number, z: number) => x + NX * (y + NY * z);
/** A scan with a gradient along x, a structure in the patient's right half (x ≥ 7 in RAS) and ground truth one voxel larger. */
function rasCase() {
  const scan = new Float32Array(NX * NY * NZ);
  const seg = new Uint8Array(scan.length);
  const gt = new Uint8Array(scan.length);
  for (let z = 0; z < NZ; z++) for (let y = 0; y < NY; y++) for (let x = 0; x < NX; x++) {
    scan[at(x, y, z)] = x * 10 + y + z * 0.5;
    if (x >= 7 && x <= 9 && y >= 3 && y <= 6 && z >= 2 && z <= 5) seg[at(x, y, z)] = 1;
    if (x >= 7 && x <= 10 && y >= 3 && y <= 6 && z >= 2 && z <= 5) gt[at(x, y, z)] = 1;
  }
  const affine = Float64Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
  const v = <T extends Float32Array | Uint8Array>(data: T, kind: 'intensity' | 'label'): VolumeXYZ => ({ data, shapeXYZ: [NX, NY, NZ], affine, kind });
  return { scan: v(scan, 'intensity'), seg: v(seg, 'label'), gt: v(gt, 'label') };
}
/** The same anatomy stored LIA (voxel i → left, j → inferior, k → anterior), with the matching affine. */
function toLia(v: VolumeXYZ): VolumeXYZ {
  const data = new (v.data.constructor as Float32ArrayConstructor)(v.data.length);
  // (i, j, k) with shape [NX, NZ, NY] holds RAS voxel (NX-1-i, k, NZ-1-j).
  for (let k = 0; k < NY; k++) for (let j = 0; j < NZ; j++) for (let i = 0; i < NX; i++) data[i + NX * (j + NZ * k)] = v.data[at(NX - 1 - i, k, NZ - 1 - j)] as number;
  const affine = Float64Array.from([-1, 0, 0, NX - 1, 0, 0, 1, 0, 0, -1, 0, NZ - 1, 0, 0, 0, 1]);
  return { data, shapeXYZ: [NX, NZ, NY], affine, kind: v.kind };
}

describe('QC picture', () => {
  const c = rasCase();
  const input = { scan: c.scan, segmentation: c.seg, groundTruth: [c.gt], structures: ['hippocampus_R'], title: 'subject 7' };

  it('draws the same picture whatever the voxel order on disk (RAS and LIA storage of one anatomy)', () => {
    const lia = { ...input, scan: toLia(c.scan), segmentation: toLia(c.seg), groundTruth: [toLia(c.gt)] };
    expect(qcPictureSvg(lia)).toBe(qcPictureSvg(input));
  });

  it('states the convention, has a legend in both colours, and mirrors left and right between the conventions', () => {
    const rad = qcPictureSvg(input).replaceAll('&#39;', "'");
    const neuro = qcPictureSvg({ ...input, convention: 'neurological' }).replaceAll('&#39;', "'");
    expect(rad).toContain("Radiological convention: the patient's right is on the picture's left");
    expect(neuro).toContain("Neurological convention: the patient's left is on the picture's left");
    for (const colour of Object.values(QC_COLOURS)) expect(rad).toContain(`stroke="${colour}"`);
    expect(rad).toMatch(/predicted<\/text>.*ground truth<\/text>/s);
    // The first (axial) panel's left side letter: R in radiological, L in neurological.
    const firstLeft = (svg: string) => /text-anchor="middle">([RL])<\/text>/.exec(svg)![1];
    expect(firstLeft(rad)).toBe('R');
    expect(firstLeft(neuro)).toBe('L');
    // The scan's gradient runs along x: the darkest grey column is on the patient's left, which is the picture's right in radiological convention.
    const firstRect = (svg: string) => /<rect x="0" y="0" width="\d+" height="1" fill="rgb\((\d+)/.exec(svg)![1];
    expect(Number(firstRect(rad))).toBeGreaterThan(Number(firstRect(neuro)));
  });

  it('says so when a structure is empty, and renders a real PNG', () => {
    const empty = { ...input, segmentation: { ...c.seg, data: new Uint8Array(c.seg.data.length) }, groundTruth: [{ ...c.gt, data: new Uint8Array(c.gt.data.length) }] };
    expect(qcPictureSvg(empty)).toContain('empty: nothing predicted and no ground truth');
    expect(qcPictureSvg({ ...input, segmentation: { ...c.seg, data: new Uint8Array(c.seg.data.length) } })).toContain('(empty prediction)');
    const png = Buffer.from(qcPicturePng(input));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(850);
    expect(() => qcPictureSvg({ ...input, groundTruth: [] })).toThrow(/ground-truth mask/);
  });
});

describeWithSharedData('QC picture of a real head', ['data/niivue-subject/norm.nii.gz', 'data/niivue-subject/hippocampus_L.nii.gz'], () => {
  it('crops a 256³ LIA head around each hippocampus (prediction = ground truth here)', () => {
    const scan = readNifti(sharedPath('data/niivue-subject/norm.nii.gz'));
    const l = readNifti(sharedPath('data/niivue-subject/hippocampus_L.nii.gz'), { kind: 'label' });
    const r = readNifti(sharedPath('data/niivue-subject/hippocampus_R.nii.gz'), { kind: 'label' });
    const seg = new Uint8Array(l.data.length);
    for (let i = 0; i < seg.length; i++) seg[i] = l.data[i] ? 1 : r.data[i] ? 2 : 0;
    const svg = qcPictureSvg({ scan, segmentation: { ...l, data: seg }, groundTruth: [l, r], structures: ['hippocampus_L', 'hippocampus_R'], title: 'niivue subject' });
    // Crops, not whole slices: each panel's grey rows are far fewer than 256.
    const rows = new Set([...svg.matchAll(/<rect x="\d+" y="(\d+)"/g)].map((m) => Number(m[1])));
    expect(Math.max(...rows)).toBeLessThan(120);
    expect(svg).not.toContain('empty');
  });
});
