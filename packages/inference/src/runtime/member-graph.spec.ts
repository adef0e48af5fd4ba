import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '@seahorse/files';
import { importInnerEyeCheckpoint, MSD_REFERENCE_SETTINGS } from '@seahorse/innereye-import';
import { loadModelPackage, writeModelManifest } from '@seahorse/model-package';
import { describeWithSharedData, sharedPath } from '@seahorse/testkit';
import { LITERAL_GRAPH_BYTES_PER_VOXEL, PHASE_GRAPH_BYTES_PER_VOXEL } from '../tiling/plan.js';
import { memberGraphKind, packageGraph } from './member-graph.js';
import { openEnsemble } from './segment-scan.js';

const work = mkdtempSync(path.join(tmpdir(), 'seahorse-member-graph-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const MSD = 'models/msd-reference/last.ckpt';
const onnx = onnxProto.onnx;

/**
 * A package as Seahorse's importer wrote it before the default graph changed: the literal graph
 * (BatchNormalization, ConvTranspose) with `seahorse.batchNorm: node` and no `seahorse.upsampling`
 * key, the manifest's sha256 rewritten to match.
 */
async function importedBeforeTheChange(out: string): Promise<void> {
  await importInnerEyeCheckpoint(sharedPath(MSD), out, { settings: MSD_REFERENCE_SETTINGS, batchNorm: 'node', upsampling: 'convTranspose' });
  const manifest = JSON.parse(readFileSync(path.join(out, 'model.json'), 'utf8')) as { members: { file: string; sha256: string }[] };
  for (const m of manifest.members) {
    const model = onnx.ModelProto.decode(readFileSync(path.join(out, m.file)));
    model.metadataProps = model.metadataProps.filter((p) => p.key !== 'seahorse.upsampling');
    const bytes = onnx.ModelProto.encode(model).finish();
    writeFileSync(path.join(out, m.file), bytes);
    m.sha256 = sha256Hex(bytes);
  }
  await writeModelManifest(out, manifest as Parameters<typeof writeModelManifest>[1]);
}

describeWithSharedData('a package imported before the default graph changed', [MSD, 'data/msd-hippocampus/imagesTr'], () => {
  it('is recognised as the literal graph, with a re-import notice and the literal graph\'s bytes per voxel; the default graph has neither', async () => {
    const old = path.join(work, 'old');
    await importedBeforeTheChange(old);
    const oldPkg = await loadModelPackage(old);
    expect(memberGraphKind(readFileSync(oldPkg.members[0]!.path))).toBe('literal');
    const g = await packageGraph(oldPkg);
    expect(g.kind).toBe('literal');
    expect(g.bytesPerVoxel).toBe(LITERAL_GRAPH_BYTES_PER_VOXEL);
    expect(g.notice).toContain(old);
    expect(g.notice).toMatch(/Re-import the checkpoints with `seahorse import-innereye/);

    const fresh = path.join(work, 'fresh');
    await importInnerEyeCheckpoint(sharedPath(MSD), fresh, { settings: MSD_REFERENCE_SETTINGS });
    const f = await packageGraph(await loadModelPackage(fresh));
    expect([f.kind, f.bytesPerVoxel, f.notice]).toEqual(['phase', PHASE_GRAPH_BYTES_PER_VOXEL, undefined]);
  });

  it('still loads and segments MSD crops as a fresh import of the same checkpoint does (labels identical, posteriors within 1e-5)', async () => {
    const cases = readdirSync(sharedPath('data/msd-hippocampus/imagesTr')).filter((f) => f.endsWith('.nii.gz')).sort().slice(0, 4);
    const oldEnsemble = await openEnsemble(await loadModelPackage(path.join(work, 'old')), { intraOpThreads: 2 });
    const freshEnsemble = await openEnsemble(await loadModelPackage(path.join(work, 'fresh')), { intraOpThreads: 2 });
    try {
      expect(oldEnsemble.graph.kind).toBe('literal');
      for (const f of cases) {
        const scan = sharedPath('data/msd-hippocampus/imagesTr', f);
        const a = await oldEnsemble.segmentScan(scan, path.join(work, 'out-old', f));
        const b = await freshEnsemble.segmentScan(scan, path.join(work, 'out-fresh', f));
        let differing = 0;
        for (let i = 0; i < a.segmentationZYX.length; i++) if (a.segmentationZYX[i] !== b.segmentationZYX[i]) differing++;
        expect(differing, f).toBe(0);
        let max = 0;
        for (let i = 0; i < a.posteriorsCZYX.length; i++) max = Math.max(max, Math.abs(a.posteriorsCZYX[i]! - b.posteriorsCZYX[i]!));
        expect(max, f).toBeLessThan(1e-5);
      }
    } finally {
      await oldEnsemble.close();
      await freshEnsemble.close();
    }
  }, 600_000);
});

describe('memberGraphKind', () => {
  it('calls a graph without Seahorse\'s architecture metadata foreign', () => {
    const bytes = onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 8, graph: { name: 'g' } })).finish();
    expect(memberGraphKind(bytes)).toBe('foreign');
  });
});
