import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { readDicomSeries, writeRtStruct, type PatientStudyModule } from '@seahorse/dicom';
import type { VolumeXYZ } from '@seahorse/io';
import { describeWithSharedData, repoRoot, sharedPath } from '@seahorse/testkit';
import { cohortWorkflowId } from '@seahorse/workflows';
import { afterAll, expect, inject, it } from 'vitest';
import { evaluateCommand } from './cli/evaluate-command.js';
import { createComputeDeps } from './compute-deps.js';

// A whole run on a DICOM subject (real dev server, real demo model): no patient or study
// identifier of the DICOM headers may appear anywhere in the workflow's histories.
const SERIES = 'data/dicom/siemens_sag_tfl_enhanced';

/** Every string in a history: text fields as they are, byte payloads decoded as UTF-8. */
function texts(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (value instanceof Uint8Array) out.push(Buffer.from(value).toString('utf8'));
  else if (Array.isArray(value)) for (const v of value) texts(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) texts(v, out);
  return out;
}

function sphere(image: VolumeXYZ): VolumeXYZ<Uint8Array> {
  const [X, Y, Z] = image.shapeXYZ;
  const a = image.affine;
  const data = new Uint8Array(X * Y * Z);
  for (let z = 0; z < Z; z++) for (let y = 0; y < Y; y++) for (let x = 0; x < X; x++) {
    const w = [0, 1, 2].map((r) => a[4 * r]! * x + a[4 * r + 1]! * y + a[4 * r + 2]! * z + a[4 * r + 3]!);
    if ((w[0]! + 30) ** 2 + w[1]! ** 2 + w[2]! ** 2 <= 100) data[x + X * (y + Y * z)] = 1;
    if ((w[0]! - 30) ** 2 + w[1]! ** 2 + w[2]! ** 2 <= 100) data[x + X * (y + Y * z)] = 2;
  }
  return { shapeXYZ: [X, Y, Z], affine: Float64Array.from(a), data, kind: 'label' };
}

describeWithSharedData('privacy: a DICOM run leaves no patient identifier in Temporal', [SERIES], () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'seahorse-dicom-privacy-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the histories of the whole run (every continue-as-new) hold none of the identifying values', async () => {
    const data = path.join(dir, 'data');
    mkdirSync(path.join(data, 'sub1'), { recursive: true });
    cpSync(sharedPath(SERIES), path.join(data, 'sub1', 'scan'), { recursive: true });
    const { volume, series } = await readDicomSeries(path.join(data, 'sub1', 'scan'));
    writeRtStruct(path.join(data, 'sub1', 'rtstruct.dcm'), sphere(volume), volume, series,
      [{ label: 1, name: 'hippocampus_L' }, { label: 2, name: 'hippocampus_R' }]);
    writeFileSync(path.join(data, 'dataset.csv'),
      'subject,filePath,channel\n1,sub1/scan,mri\n1,sub1/rtstruct.dcm,hippocampus_L\n1,sub1/rtstruct.dcm,hippocampus_R\n');

    const runId = `dicom-privacy-${Date.now()}`;
    const result = await evaluateCommand({
      dataset: path.join(data, 'dataset.csv'), model: path.join(repoRoot(), 'models/demo'), out: path.join(dir, 'run'),
      runId, address: inject('temporalAddress'), localWorker: true, taskQueue: `q-${runId}`,
    }, () => createComputeDeps({ threads: 1 }), () => {});
    expect(result.counts).toMatchObject({ total: 1, done: 1, failed: 0 });

    const ps: PatientStudyModule = series.patientStudy;
    const identifiers = [ps.PatientName, ps.PatientID, ps.PatientBirthDate, ps.StudyInstanceUID, ps.AccessionNumber, ps.StudyID,
      ps.ReferringPhysicianName, series.seriesInstanceUid, series.frameOfReferenceUid, series.slices[0]!.sopInstanceUid]
      .filter((v) => v.length >= 4);
    expect(identifiers.length).toBeGreaterThanOrEqual(4);

    const connection = await Connection.connect({ address: inject('temporalAddress') });
    try {
      const client = new Client({ connection });
      const all: string[] = [];
      let runs = 0;
      for await (const execution of client.workflow.list({ query: `WorkflowId = '${cohortWorkflowId(runId)}'` })) {
        const history = await client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
        texts(history, all);
        runs++;
      }
      expect(runs).toBeGreaterThanOrEqual(1);
      const text = all.join('\n');
      // The payloads were decoded: JSON fields holding the run id are there.
      expect(text).toMatch(new RegExp(`"[A-Za-z]+":"[^"]*${runId}`));
      for (const id of identifiers) expect(text.includes(id), `identifier ${id.slice(0, 6)}… in the history`).toBe(false);
    } finally {
      await connection.close();
    }
  }, 600_000);
});
