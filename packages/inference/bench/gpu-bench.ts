// The Node side of scripts/gpu-bench.sh (docs/gpu.md): Seahorse on a GPU, measured in one go.
//   1. one patch (default 128×176×176) of the full-size InnerEye UNet3D: first pass (cuDNN's
//      algorithm search) and best of --reps, optionally against PyTorch's posteriors of the same patch;
//   2. the 5-member ensemble on a real scan, per scan, in innereye and whole modes: session creation,
//      the first scan (its overhead listed separately) and the steady scans;
//   3. parity: the same scans on the CPU; posteriors within 1e-4 and identical argmax.
// Writes <out>/seahorse.json. scripts/gpu-bench.sh runs it as an esbuild bundle; on a CPU machine
// it runs from sources as a dry run: `node --conditions=@seahorse/source --import tsx
// packages/inference/bench/gpu-bench.ts --device cpu --checkpoint … --scan … --out …`.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { ShapeZYX } from '@seahorse/io';
import { importInnerEyeModel } from '@seahorse/innereye-import';
import { loadModelPackage, type TilingMode } from '@seahorse/model-package';
import { OnnxSessionHost } from '../src/runtime/onnx-session-host.js';
import { openEnsemble, type SegmentScanResult } from '../src/runtime/segment-scan.js';

const { values: a } = parseArgs({
  options: {
    checkpoint: { type: 'string' }, scan: { type: 'string' }, out: { type: 'string' },
    device: { type: 'string', default: 'cuda:0' }, members: { type: 'string', default: '5' },
    scans: { type: 'string', default: '3' }, reps: { type: 'string', default: '5' },
    patch: { type: 'string', default: '128,176,176' }, 'cpu-threads': { type: 'string' },
    modes: { type: 'string', default: 'innereye,whole' }, 'torch-posteriors': { type: 'string' },
    'skip-cpu': { type: 'boolean', default: false },
  },
});
if (!a.checkpoint || !a.scan || !a.out) {
  console.error('usage: gpu-bench --checkpoint last.ckpt --scan norm.nii.gz --out DIR [--device cuda:0] [--members 5] [--scans 3] [--reps 5] [--patch Z,Y,X] [--modes innereye,whole] [--cpu-threads N] [--torch-posteriors patch.f32] [--skip-cpu]');
  process.exit(2);
}
const out = path.resolve(a.out);
mkdirSync(out, { recursive: true });
const work = mkdtempSync(path.join(out, '.work-'));
const say = (line: string) => console.error(`[gpu-bench] ${line}`);
const now = () => performance.now() / 1000;
const results: Record<string, unknown> = { device: a.device, checkpoint: a.checkpoint, scan: a.scan, node: process.version };

/** The benchmark's synthetic patch (the same formula as tools/reference/gpu_pytorch_bench.py). */
function syntheticVolumeZYX([Z, Y, X]: ShapeZYX): Float32Array {
  const v = new Float32Array(Z * Y * X);
  let i = 0;
  for (let z = 0; z < Z; z++) for (let y = 0; y < Y; y++) for (let x = 0; x < X; x++) v[i++] = Math.sin(x / 9) * Math.cos(y / 11) * 0.6 + Math.sin(z / 13) * 0.4;
  return v;
}

function maxAbsDiff(x: Float32Array, y: Float32Array): number {
  if (x.length !== y.length) return Infinity;
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!));
  return m;
}

try {
  // A registered-model folder of `members` copies of the checkpoint (InnerEye's layout), imported
  // as Seahorse does: the 5-member full-size ensemble.
  const members = Number(a.members);
  const registered = path.join(work, 'registered');
  const paths = Array.from({ length: members }, (_, i) => (i === members - 1 ? 'checkpoints/last.ckpt' : `checkpoints/OTHER_RUNS/${i + 1}/last.ckpt`));
  for (const p of paths) {
    mkdirSync(path.dirname(path.join(registered, p)), { recursive: true });
    symlinkSync(path.resolve(a.checkpoint), path.join(registered, p));
  }
  writeFileSync(path.join(registered, 'model_inference_config.json'), JSON.stringify({ model_name: 'Hippocampus', checkpoint_paths: paths }));
  let t = now();
  await importInnerEyeModel(registered, path.join(work, 'model'));
  const pkg = await loadModelPackage(path.join(work, 'model'));
  say(`imported ${members} members in ${(now() - t).toFixed(1)} s`);

  // 1. One patch.
  const shape = a.patch.split(',').map(Number) as unknown as ShapeZYX;
  const patch = syntheticVolumeZYX(shape);
  t = now();
  const host = await OnnxSessionHost.start([{ name: 'full-size', path: pkg.members[0]!.path }], { device: a.device });
  const createSeconds = now() - t;
  t = now();
  const first = await host.run(0, patch, 1, shape);
  const firstSeconds = now() - t;
  const seconds: number[] = [];
  let last = first;
  for (let r = 0; r < Number(a.reps); r++) {
    t = now();
    last = await host.run(0, patch, 1, shape);
    seconds.push(now() - t);
  }
  await host.close();
  const patchResult: Record<string, unknown> = {
    shapeZYX: shape, device: host.options.device, sessionCreateSeconds: createSeconds, firstPassSeconds: firstSeconds,
    bestSeconds: Math.min(...seconds), seconds, firstVsRepeatMaxAbsDiff: maxAbsDiff(first, last),
  };
  if (a['torch-posteriors'] && existsSync(a['torch-posteriors'])) {
    const b = readFileSync(a['torch-posteriors']);
    patchResult.vsPyTorchMaxAbsDiff = maxAbsDiff(last, new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4));
  }
  results.patch = patchResult;
  say(`patch ${shape.join('×')} on ${host.options.device}: first ${firstSeconds.toFixed(3)} s, best ${Math.min(...seconds).toFixed(3)} s`);

  // 2. The ensemble per scan, and 3. parity with the CPU.
  const modes = a.modes.split(',') as TilingMode[];
  const scans = Number(a.scans);
  const ensembles: Record<string, unknown> = {};
  for (const mode of modes) {
    t = now();
    const ensemble = await openEnsemble(pkg, { device: a.device });
    const openSeconds = now() - t;
    const perScan: number[] = [];
    let result: SegmentScanResult | undefined;
    for (let s = 0; s < scans; s++) {
      t = now();
      result = await ensemble.segmentScan(a.scan, path.join(work, `${mode}-${s}`), { tiling: mode });
      perScan.push(now() - t);
      say(`${mode}: scan ${s + 1}/${scans} on ${ensemble.device}: ${perScan[s]!.toFixed(2)} s (${result.patchesPerMember} pass(es) per member)`);
    }
    await ensemble.close();
    const entry: Record<string, unknown> = {
      device: a.device, sessionsOpenSeconds: openSeconds, firstScanSeconds: perScan[0], steadyScanSeconds: perScan.length > 1 ? Math.min(...perScan.slice(1)) : null,
      firstScanOverheadSeconds: perScan.length > 1 ? perScan[0]! - Math.min(...perScan.slice(1)) : null,
      perScanSeconds: perScan, patchesPerMember: result!.patchesPerMember, wholeFellBack: result!.wholeFellBack,
      ...(result!.devicePlan ? { devicePlan: result!.devicePlan } : {}),
    };
    if (!a['skip-cpu']) {
      const cpu = await openEnsemble(pkg, { device: 'cpu', ...(a['cpu-threads'] ? { intraOpThreads: Number(a['cpu-threads']) } : {}) });
      t = now();
      const ref = await cpu.segmentScan(a.scan, path.join(work, `${mode}-cpu`), { tiling: mode, ...(result!.devicePlan ? { memoryBudgetBytes: result!.devicePlan.memoryBudgetBytes } : {}) });
      const cpuSeconds = now() - t;
      await cpu.close();
      let differing = 0;
      for (let i = 0; i < ref.segmentationZYX.length; i++) if (ref.segmentationZYX[i] !== result!.segmentationZYX[i]) differing++;
      const posteriorsMaxAbsDiff = maxAbsDiff(ref.posteriorsCZYX, result!.posteriorsCZYX);
      entry.parity = {
        cpuThreads: a['cpu-threads'] ? Number(a['cpu-threads']) : 'onnxruntime default', cpuScanSeconds: cpuSeconds,
        posteriorsMaxAbsDiff, argmaxVoxelsDiffering: differing, voxels: ref.segmentationZYX.length,
        pass: posteriorsMaxAbsDiff <= 1e-4 && differing === 0,
      };
      say(`${mode}: parity with the CPU: max |Δposterior| ${posteriorsMaxAbsDiff.toExponential(2)}, argmax differs in ${differing} voxel(s)`);
    }
    ensembles[mode] = entry;
  }
  results.ensemble = { members, scans, modes: ensembles };
  writeFileSync(path.join(out, 'seahorse.json'), `${JSON.stringify(results, null, 2)}\n`);
  say(`wrote ${path.join(out, 'seahorse.json')}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
