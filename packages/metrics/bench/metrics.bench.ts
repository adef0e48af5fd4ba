// Benchmark: InnerEye's per-structure metrics (Dice, HausdorffDistance_mm, MeanDistance_mm) on
// 256³ volumes holding the niivue subject's FreeSurfer hippocampi (≈3,800 voxels each), Seahorse
// vs SimpleITK making InnerEye's calls, measured in the same run. Run: `npm run bench -- metrics`.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { computeStructureMetrics } from '../src/index.js';
import { readNpy, runPythonReference, sharedDir } from '@seahorse/testkit';

interface Ref {
  files: { segmentation: string; gt_L: string; gt_R: string };
  spacingZYX: [number, number, number];
  shapeZYX: [number, number, number];
  seconds: number[];
  values: { dice: number; hd: number; md: number }[];
  voxels: number[];
  peakRssMiB: number;
}

const REPEATS = 5;
/** SimpleITK needs tens of seconds per repeat on 256³: fewer repeats keep the run short. */
const REFERENCE_REPEATS = 3;
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

const dir = mkdtempSync(path.join(tmpdir(), 'seahorse-metrics-bench-'));
try {
  const ref = await runPythonReference<Ref>('metrics_bench.py', [dir, sharedDir(), String(REFERENCE_REPEATS)]);
  const load = (f: string) => ({ data: readNpy(f).data as Uint8Array, shapeZYX: ref.shapeZYX, spacingZYX: ref.spacingZYX });
  const seg = load(ref.files.segmentation);
  const gts = [load(ref.files.gt_L), load(ref.files.gt_R)];
  const run = () => computeStructureMetrics(seg, gts, { structures: ['hippocampus_L', 'hippocampus_R'] });
  run(); // warm-up (JIT)
  globalThis.gc?.();
  const rss0 = process.memoryUsage().rss;
  let peakRss = rss0;
  const ms: number[] = [];
  let rows = run();
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now();
    rows = run();
    ms.push(performance.now() - t0);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  const ours = median(ms);
  const theirs = median(ref.seconds) * 1000;
  console.log(`load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`);
  console.log(`volumes ${ref.shapeZYX.join('×')} (z,y,x), spacing ${ref.spacingZYX.map((s) => s.toPrecision(8)).join(', ')} mm, `
    + `ground-truth voxels ${ref.voxels.join(' / ')}, 2 structures, median of ${REPEATS} (Seahorse) and ${REFERENCE_REPEATS} (SimpleITK) runs`);
  console.log(`Seahorse  computeStructureMetrics : ${ours.toFixed(1)} ms   (node RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB)`);
  console.log(`SimpleITK InnerEye calls          : ${theirs.toFixed(1)} ms   (python peak RSS ${ref.peakRssMiB.toFixed(0)} MiB)`);
  console.log(`ratio SimpleITK / Seahorse        : ${(theirs / ours).toFixed(1)}×`);
  let equal = true;
  rows.forEach((r, i) => {
    const v = ref.values[i]!;
    const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
    const identical = r.DiceNumeric === v.dice && r.HausdorffDistance_mm === v.hd && r.MeanDistance_mm === v.md;
    const ok = r.DiceNumeric === v.dice && rel(r.HausdorffDistance_mm, v.hd) <= 1e-9 && rel(r.MeanDistance_mm, v.md) <= 1e-6;
    equal &&= ok;
    console.log(`${r.structure}: Dice ${r.DiceNumeric} vs ${v.dice}; HD ${r.HausdorffDistance_mm} vs ${v.hd}; `
      + `MD ${r.MeanDistance_mm} vs ${v.md} → ${identical ? 'identical' : ok ? 'equal within Dice 0, HD 1e-9, MD 1e-6 relative' : 'DIFFERENT'}`);
  });
  if (!equal) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
