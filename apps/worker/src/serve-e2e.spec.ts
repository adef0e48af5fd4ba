// `seahorse serve` end to end with the real compute: a real scanner series from the shared data,
// zipped, POSTed on loopback to the service (embedded Temporal dev server, in-process worker),
// polled to 200; the RTSTRUCT read back with pydicom and rasterised by plastimatch matches the
// segmentation. No patient identifier reaches the Temporal history or the log.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readDicomSeries } from '@seahorse/dicom';
import { SEGMENTATION_FILE } from '@seahorse/inference';
import { readNifti, type VolumeXYZ } from '@seahorse/io';
import { describeWithSharedData, runPythonReference, sharedPath } from '@seahorse/testkit';
import { DEMO_MODEL_DIR, DEMO_MODEL_ID, makeZip, pollResult, TEST_SECRET, zipEntries } from '@seahorse/serve/testing';
import { startServe, type RunningService } from './cli/serve-command.js';
import { createServeCompute } from './serve-compute.js';
import { invertAffine, multiplyAffine } from '@seahorse/io';

const SERIES = 'data/dicom/siemens_sag_t1_2d_hfs';
const SECRET = TEST_SECRET;

/** Dice of `label` in `ours` against the non-zero voxels of `ref`, voxel centres mapped through world space. */
function diceInWorld(ours: VolumeXYZ, label: number, ref: VolumeXYZ): number {
  const m = multiplyAffine(invertAffine(ref.affine), ours.affine);
  const [X, Y, Z] = ours.shapeXYZ;
  const [RX, RY, RZ] = ref.shapeXYZ;
  let a = 0, b = 0, both = 0;
  for (let z = 0; z < Z; z++) for (let y = 0; y < Y; y++) for (let x = 0; x < X; x++) {
    const rx = Math.round(m[0]! * x + m[1]! * y + m[2]! * z + m[3]!);
    const ry = Math.round(m[4]! * x + m[5]! * y + m[6]! * z + m[7]!);
    const rz = Math.round(m[8]! * x + m[9]! * y + m[10]! * z + m[11]!);
    const u = Number(ours.data[x + X * (y + Y * z)]) === label;
    const inside = rx >= 0 && ry >= 0 && rz >= 0 && rx < RX && ry < RY && rz < RZ;
    const v = inside && Number(ref.data[rx + RX * (ry + RY * rz)]) !== 0;
    if (u) a++;
    if (v) b++;
    if (u && v) both++;
  }
  return a + b === 0 ? Number.NaN : (2 * both) / (a + b);
}

/** Every string of a history, with payload bytes decoded as UTF-8. */
function historyText(history: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') out.push(v);
    else if (v instanceof Uint8Array) out.push(Buffer.from(v).toString('utf8'));
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(history);
  return out.join('\n');
}

describeWithSharedData('seahorse serve end to end on a real series with the demo model', [SERIES], () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'seahorse-serve-e2e-'));
  const kept = path.join(dir, 'kept');
  const logLines: string[] = [];
  let service: RunningService;
  beforeAll(async () => {
    mkdirSync(kept);
    const compute = createServeCompute({ threads: 1 });
    service = await startServe({ models: DEMO_MODEL_DIR, port: 0, data: path.join(dir, 'data') }, () => ({
      ...compute,
      // Keeps the run's NIfTI segmentation (the service deletes its work folder) to compare with.
      async segmentStudy(job) {
        await compute.segmentStudy(job);
        copyFileSync(path.join(job.workDir, SEGMENTATION_FILE), path.join(kept, SEGMENTATION_FILE));
      },
    }), (l) => logLines.push(l), { API_AUTH_SECRET: SECRET });
  }, 300_000);
  afterAll(async () => {
    await service?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('POST the zipped series → 201 → 202… → 200: one segmentation.dcm, an RTSTRUCT of the model\'s ROIs in the series\' patient, study and frame of reference, matching the segmentation (plastimatch, Dice ≥ 0.98)', async () => {
    const folder = sharedPath(SERIES);
    const files = readdirSync(folder).sort();
    const zip = await makeZip(Object.fromEntries(files.map((f) => [`study/T1/${f}`, readFileSync(path.join(folder, f))])));
    const start = await fetch(`${service.url}/v1/model/start/${DEMO_MODEL_ID}`, { method: 'POST', headers: { API_AUTH_SECRET: SECRET }, body: zip });
    expect(start.status).toBe(201);
    const runId = await start.text();
    const r = await pollResult(service.url, runId, 600_000);
    expect(r.status).toBe(200);
    const entries = await zipEntries(Buffer.from(await r.arrayBuffer()));
    expect([...entries.keys()]).toEqual(['segmentation.dcm']);
    const rtFile = path.join(dir, 'segmentation.dcm');
    writeFileSync(rtFile, entries.get('segmentation.dcm')!);

    const fields = await runPythonReference<Record<string, unknown>>('serve_rtstruct_fields.py', [rtFile, path.join(folder, files[0]!)]);
    expect(fields).toMatchObject({ modality: 'RTSTRUCT', manufacturer: 'Seahorse', samePatient: true, sameStudy: true, sameFrameOfReference: true, newSeries: true });
    expect(fields.softwareVersions).toContain(DEMO_MODEL_ID);
    const rois = fields.rois as { number: number; name: string; color: number[]; interpretedType: string; generationAlgorithm: string; contours: number }[];
    expect(rois.map((x) => [x.number, x.name, x.color, x.interpretedType, x.generationAlgorithm])).toEqual([
      [1, 'hippocampus_L', [255, 255, 255], 'ORGAN', 'SEMIAUTOMATIC'], [2, 'hippocampus_R', [255, 255, 255], 'ORGAN', 'SEMIAUTOMATIC'],
    ]);

    const seg = readNifti(path.join(kept, SEGMENTATION_FILE), { kind: 'label' });
    const { masks } = await runPythonReference<{ masks: Record<string, string> }>('dicom_rt_rasterise.py', ['plastimatch', rtFile, folder, path.join(dir, 'plastimatch')]);
    for (const [label, roi] of [[1, 'hippocampus_L'], [2, 'hippocampus_R']] as const) {
      let voxels = 0;
      for (let i = 0; i < seg.data.length; i++) if (Number(seg.data[i]) === label) voxels++;
      const contours = rois.find((x) => x.name === roi)!.contours;
      if (voxels === 0) {
        expect(contours).toBe(0); // nothing segmented, nothing drawn (and no Dice to take)
        continue;
      }
      expect(contours).toBeGreaterThan(0);
      const dice = diceInWorld(seg, label, readNifti(masks[roi]!));
      console.log(`serve e2e: ${roi}: ${voxels} voxels, ${contours} contours, plastimatch Dice ${dice.toFixed(4)}`);
      expect(dice, roi).toBeGreaterThanOrEqual(0.98);
    }
    expect(rois.some((x) => x.contours > 0)).toBe(true); // at least one ROI was compared

    // The upload and the work folder are gone; only the request, the result (and error notes) remain.
    const runDir = path.join(dir, 'data', 'runs', runId);
    expect(readdirSync(runDir).filter((f) => !f.startsWith('.')).sort()).toEqual(['request.json', 'result.zip']);

    // No patient identifier in the Temporal history or the log.
    const { series } = await readDicomSeries(folder);
    const identifiers = [series.patientStudy.PatientName, series.patientStudy.PatientID, series.patientStudy.StudyInstanceUID, 'study/T1']
      .filter((v) => v && v.length > 2);
    expect(identifiers.length).toBeGreaterThan(1);
    const connection = await Connection.connect({ address: service.temporalAddress });
    try {
      const history = historyText(await new Client({ connection }).workflow.getHandle(runId).fetchHistory());
      expect(history).toContain(runId);
      for (const id of identifiers) {
        expect(history).not.toContain(id);
        expect(logLines.join('\n')).not.toContain(id);
      }
    } finally {
      await connection.close();
    }
    expect(existsSync(rtFile)).toBe(true);
  }, 900_000);

  it.each([
    ['a missing slice', (files: string[]) => files.filter((_, i) => i !== 17), /spacing|gap|missing/i],
    ['two series', (files: string[]) => files, /series/i],
  ])('a series the reader refuses (%s) → 201, then 400 InvalidZipFile with the reader\'s reason; the service stays up', async (label, pick, reason) => {
    const folder = sharedPath(SERIES);
    const files = pick(readdirSync(folder).sort());
    const entries: Record<string, Buffer> = Object.fromEntries(files.map((f) => [`study/T1/${f}`, readFileSync(path.join(folder, f))]));
    if (label === 'two series') {
      const other = sharedPath('data/dicom/ge_ax_mprage');
      for (const f of readdirSync(other).sort().slice(0, 5)) entries[`study/GE/${f}`] = readFileSync(path.join(other, f));
    }
    const start = await fetch(`${service.url}/v1/model/start/${DEMO_MODEL_ID}`, { method: 'POST', headers: { API_AUTH_SECRET: SECRET }, body: await makeZip(entries) });
    expect(start.status).toBe(201);
    const r = await pollResult(service.url, await start.text(), 120_000);
    expect(r.status).toBe(400);
    const body = await r.json() as { extra_details: string; detail: string };
    expect(body.extra_details).toBe('InvalidZipFile');
    expect(body.detail).toMatch(reason);
    expect(body.detail).not.toMatch(/\/runs\//); // the service's own paths are not the uploader's business
    expect((await fetch(`${service.url}/`)).status).toBe(200);
  }, 300_000);
});

