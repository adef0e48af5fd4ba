// Benchmark: DeepMind-convention HD95 and directed average surface distances on 256³ volumes holding
// the niivue subject's FreeSurfer hippocampi, Seahorse vs DeepMind's surface-distance 0.1 (Python),
// measured in the same run. Run:
//   node --conditions=@seahorse/source --import tsx --expose-gc packages/metrics/bench/deepmind.bench.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { averageSurfaceDistancesFromSurfelsMm, robustHausdorffFromSurfelsMm, surfaceDistancesDeepMind } from '../src/index.js';
import { readNpy, runPythonReference, sharedDir } from '@seahorse/testkit';

interface Ref {
  files: Record<'pred_L' | 'pred_R' | 'gt_L' | 'gt_R', string>;
  spacingZYX: [number, number, number];
  shapeZYX: [number, number, number];
  seconds: number[];
  values: { hd95: number; predToGt: number; gtToPred: number }[];
  peakRssMiB: number;
}

const REPEATS = 5;
const REFERENCE_REPEATS = 3;
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

const dir = mkdtempSync(path.join(tmpdir(), 'seahorse-metrics-deepmind-bench-'));
try {
  const ref = await runPythonReference<Ref>('metrics_deepmind_bench.py', [dir, sharedDir(), String(REFERENCE_REPEATS)]);
  const load = (f: string) => ({ data: readNpy(f).data as Uint8Array, shapeZYX: ref.shapeZYX, spacingZYX: ref.spacingZYX });
  const pairs = [[load(ref.files.pred_L), load(ref.files.gt_L)], [load(ref.files.pred_R), load(ref.files.gt_R)]] as const;
  const run = () => pairs.map(([p, g]) => {
    const s = surfaceDistancesDeepMind(p, g);
    const { predToGtMm, gtToPredMm } = averageSurfaceDistancesFromSurfelsMm(s);
    return { hd95: robustHausdorffFromSurfelsMm(s, 95), predToGt: predToGtMm, gtToPred: gtToPredMm };
  });
  run(); // warm-up (JIT)
  globalThis.gc?.();
  let peakRss = process.memoryUsage().rss;
  const ms: number[] = [];
  let values = run();
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now();
    values = run();
    ms.push(performance.now() - t0);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  const ours = median(ms);
  const theirs = median(ref.seconds) * 1000;
  console.log(`load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`);
  console.log(`volumes ${ref.shapeZYX.join('×')} (z,y,x), 2 structures, median of ${REPEATS} (Seahorse) and ${REFERENCE_REPEATS} (DeepMind) runs`);
  console.log(`Seahorse  DeepMind-convention HD95 + ASD : ${ours.toFixed(1)} ms   (node RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB)`);
  console.log(`surface-distance 0.1 (Python)            : ${theirs.toFixed(1)} ms   (python peak RSS ${ref.peakRssMiB.toFixed(0)} MiB)`);
  console.log(`ratio DeepMind / Seahorse                : ${(theirs / ours).toFixed(1)}×`);
  let worst = 0;
  values.forEach((v, i) => {
    const r = ref.values[i]!;
    for (const k of ['hd95', 'predToGt', 'gtToPred'] as const) {
      const scale = Math.max(Math.abs(v[k]), Math.abs(r[k]));
      worst = Math.max(worst, scale === 0 ? 0 : Math.abs(v[k] - r[k]) / scale);
    }
    console.log(`structure ${i}: HD95 ${v.hd95} vs ${r.hd95}; predToGt ${v.predToGt} vs ${r.predToGt}; gtToPred ${v.gtToPred} vs ${r.gtToPred}`);
  });
  console.log(`largest relative difference to DeepMind: ${worst.toExponential(2)}`);
  if (!(worst <= 1e-9)) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
