import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { VolumeXYZ } from '@seahorse/io';
import { describeWithSharedData, readNpy, runPythonReference, sharedPath } from '@seahorse/testkit';
import { beforeAll, expect, it } from 'vitest';
import { readDicomSeries, type DicomSeriesRead } from './index.js';
import { knownSegmentation, PHILIPS, ROIS } from './known-mask.test-helpers.js';
import { toolMissing } from './reference-tools.test-helpers.js';
import { writeSeg } from './seg-write.js';

describeWithSharedData('DICOM SEG of a known mask on the Philips series', [PHILIPS], () => {
  let read: DicomSeriesRead;
  let seg: VolumeXYZ<Uint8Array>;
  const out = mkdtempSync(path.join(os.tmpdir(), 'seahorse-seg-'));
  const file = path.join(out, 'seg.dcm');
  let frames = 0;
  beforeAll(async () => {
    read = await readDicomSeries(sharedPath(PHILIPS));
    seg = knownSegmentation(read.volume);
    frames = writeSeg(file, seg, read.volume, read.series, ROIS, { modelName: 'test-mask' }).frames;
  }, 120_000);

  it('read by highdicom: identical masks on every source slice, segments labelled and coded', async () => {
    const uids = path.join(out, 'uids.json');
    writeFileSync(uids, JSON.stringify(read.series.slices.map((s) => s.sopInstanceUid)));
    const ref = await runPythonReference<{ npy: string; segments: { number: number; label: string; type: string; modifier: string | null }[] }>(
      'dicom_seg_read.py', [file, uids, path.join(out, 'labels.npy')]);
    expect(ref.segments).toEqual([
      { number: 1, label: 'hippocampus_L', type: 'Hippocampus', modifier: 'Left' },
      { number: 2, label: 'hippocampus_R', type: 'Hippocampus', modifier: 'Right' },
    ]);
    const npy = readNpy(ref.npy);
    expect(npy.shape).toEqual([...seg.shapeXYZ].reverse());
    let diff = 0;
    for (let i = 0; i < seg.data.length; i++) if (npy.data[i] !== seg.data[i]) diff++;
    expect(diff).toBe(0);
    expect(frames).toBeGreaterThan(20);
  });

  const noDciodvfy = toolMissing('dciodvfy');
  it.skipIf(noDciodvfy !== undefined)(`dciodvfy: no errors, no warnings of Seahorse's${noDciodvfy ? ` [skipped: ${noDciodvfy}]` : ''}`, () => {
    const r = spawnSync('dciodvfy', [file], { encoding: 'utf8' });
    const lines = `${r.stdout}\n${r.stderr}`.split('\n');
    expect(lines.filter((l) => /^Error/.test(l))).toEqual([]);
    // Warnings only on patient module values echoed from the vendor's file (a retired PN form).
    expect(lines.filter((l) => /^Warning/.test(l) && !/\(0x0010,0x0010\) PN Patient's Name/.test(l))).toEqual([]);
  });
});
