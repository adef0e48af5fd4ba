// Section "agreement" of `npm run bench -- inference` (issue 13, goal 3): how far `whole` mode's
// segmentation agrees with `innereye` tiling for a trained model, on a volume large enough to tile.
// The trained msd-reference model (../shared/models/msd-reference) sees a 256×256×176 (x, y, z)
// frame holding 60 real MSD crops side by side (a 5×4×3 grid of cells): its network input is
// 176×256×256 (z, y, x), 8 patches of 128×176×176 in `innereye` tiling, one pass in `whole`. Each
// crop is z-scored on its own (as the model was trained) and the voxels between crops hold seeded
// Gaussian noise standardised to mean 0 and variance 1, so the model's z-score over the whole frame
// leaves every crop's intensities as they were (to float rounding). Both modes get the very same
// input, so any difference between them comes from the tiling alone: patch borders, where
// `innereye` tiling sees less context. Prints the voxel agreement of the two modes over the frame
// and over the crops, and each mode's agreement with PyTorch's segmentation of every crop
// (../shared/models/msd-reference/reference-segmentations).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { importInnerEyeCheckpoint, MSD_REFERENCE_SETTINGS } from '@seahorse/innereye-import';
import { readNifti, type VolumeXYZ } from '@seahorse/io';
import { loadModelPackage } from '@seahorse/model-package';
import { zScore } from '@seahorse/preprocess';
import { sharedDataMissing, sharedPath } from '@seahorse/testkit';
import { openEnsemble } from '../src/index.js';

const FRAME_XYZ = [256, 256, 176] as const;
const CELL_XYZ = [51, 64, 58] as const;
const GRID_XYZ = [5, 4, 3] as const;

export async function benchTilingAgreement(): Promise<void> {
  console.log('\n--- agreement of `whole` with `innereye` tiling: trained msd-reference model, 60 MSD crops in one 256×256×176 frame ---');
  const missing = sharedDataMissing('models/msd-reference/last.ckpt', 'data/msd-hippocampus/imagesTr');
  if (missing) {
    console.log(`skipped: ${missing}`);
    return;
  }
  const work = mkdtempSync(path.join(tmpdir(), 'seahorse-agreement-'));
  try {
    await importInnerEyeCheckpoint(sharedPath('models', 'msd-reference', 'last.ckpt'), path.join(work, 'model'), { settings: MSD_REFERENCE_SETTINGS });
    const model = await loadModelPackage(path.join(work, 'model'));
    const dir = sharedPath('data', 'msd-hippocampus', 'imagesTr');
    const files = readdirSync(dir).filter((f) => f.endsWith('.nii.gz')).sort();
    const [FX, FY, FZ] = FRAME_XYZ;
    const frame = new Float32Array(FX * FY * FZ);
    const cellOf = new Int16Array(FX * FY * FZ).fill(-1);
    const reference = new Uint8Array(FX * FY * FZ);
    let placed = 0;
    for (const f of files) {
      if (placed >= GRID_XYZ[0] * GRID_XYZ[1] * GRID_XYZ[2]) break;
      const crop = readNifti(path.join(dir, f));
      const [cx, cy, cz] = crop.shapeXYZ;
      if (cx > CELL_XYZ[0] - 1 || cy > CELL_XYZ[1] - 1 || cz > CELL_XYZ[2] - 1) continue;
      const normalised = zScore(Float32Array.from(crop.data as ArrayLike<number>), { scan: f }).output;
      const seg = readNifti(sharedPath('models', 'msd-reference', 'reference-segmentations', f.replace('.nii.gz', '_seg.nii.gz')), { kind: 'label' });
      const gx = placed % GRID_XYZ[0];
      const gy = Math.floor(placed / GRID_XYZ[0]) % GRID_XYZ[1];
      const gz = Math.floor(placed / (GRID_XYZ[0] * GRID_XYZ[1]));
      const [ox, oy, oz] = [gx * CELL_XYZ[0], gy * CELL_XYZ[1], gz * CELL_XYZ[2]];
      for (let z = 0; z < cz; z++) for (let y = 0; y < cy; y++) for (let x = 0; x < cx; x++) {
        const at = ox + x + FX * (oy + y + FY * (oz + z));
        const from = x + cx * (y + cy * z);
        frame[at] = normalised[from]!;
        reference[at] = Number(seg.data[from]);
        cellOf[at] = placed;
      }
      placed++;
    }
    // The voxels between crops: seeded Gaussian noise, standardised over those voxels.
    let seed = 2026;
    const uniform = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
    const gaps: number[] = [];
    for (let i = 0; i < frame.length; i++) if (cellOf[i]! < 0) gaps.push(i);
    const noise = new Float64Array(gaps.length).map(() => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()));
    const mean = noise.reduce((a, v) => a + v, 0) / noise.length;
    const std = Math.sqrt(noise.reduce((a, v) => a + (v - mean) ** 2, 0) / noise.length);
    gaps.forEach((at, k) => void (frame[at] = (noise[k]! - mean) / std));
    const volume: VolumeXYZ<Float32Array> = {
      shapeXYZ: FRAME_XYZ, kind: 'intensity', data: frame,
      affine: new Float64Array([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]),
    };
    console.log(`placed ${placed} crops; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    const ensemble = await openEnsemble(model);
    const segs: Record<string, ArrayLike<number>> = {};
    try {
      for (const tiling of ['innereye', 'whole'] as const) {
        const t0 = performance.now();
        const r = await ensemble.segmentScan(volume, path.join(work, tiling), { tiling, scanName: 'frame' });
        segs[tiling] = readNifti(r.files.segmentation, { kind: 'label' }).data;
        console.log(`${tiling}: ${r.patchesPerMember} pass(es), ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      }
    } finally {
      await ensemble.close();
    }
    const a = segs.innereye!;
    const b = segs.whole!;
    let same = 0;
    let cropVoxels = 0;
    let cropSame = 0;
    const withReference = { innereye: 0, whole: 0 };
    let cropsIdentical = 0;
    const cropDiffers = new Uint8Array(placed);
    for (let i = 0; i < frame.length; i++) {
      const [va, vb] = [a[i]!, b[i]!];
      if (va === vb) same++;
      const c = cellOf[i]!;
      if (c < 0) continue;
      cropVoxels++;
      if (va === vb) cropSame++;
      else cropDiffers[c] = 1;
      if (va === reference[i]) withReference.innereye++;
      if (vb === reference[i]) withReference.whole++;
    }
    for (const d of cropDiffers) if (d === 0) cropsIdentical++;
    const pct = (n: number, of: number) => `${((100 * n) / of).toFixed(4)} %`;
    console.log(`voxel agreement whole / innereye: ${pct(same, frame.length)} of the frame's ${frame.length} voxels (${frame.length - same} differ); ` +
      `over the ${cropVoxels} crop voxels ${pct(cropSame, cropVoxels)} (${cropVoxels - cropSame} differ); crops identical in both modes: ${cropsIdentical} of ${placed}`);
    console.log(`agreement with PyTorch's segmentations of the crops: innereye ${pct(withReference.innereye, cropVoxels)} (${cropVoxels - withReference.innereye} differ), ` +
      `whole ${pct(withReference.whole, cropVoxels)} (${cropVoxels - withReference.whole} differ)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
