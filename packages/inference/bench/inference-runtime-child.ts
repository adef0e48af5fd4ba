// One measurement of the inference runtime in a fresh process, so that peak RSS belongs to it alone.
// Run by inference.bench.ts:
//   patch <onnx> <threads> <reps>          (through the session host process, as Seahorse runs)
//   patch-direct <onnx> <threads> <reps>   (onnxruntime-node in this process, no host: the host's overhead is the difference)
//   profile <onnx> <threads> <trace-dir>   (one patch in this process with onnxruntime's per-node profiler; adds {trace})
//   scan <onnx> <threads> <innereye|whole|gaussian> <members> <segmentation-out.u8> [memoryBudgetBytes|-] [Z,Y,X]
// Prints one JSON line: { seconds: number[], peakRssBytes, hostPeakRssBytes, patchesPerMember?, wholeFellBack?, patchZYX? }:
// peakRssBytes is this process's peak plus its session host's (the host holds onnxruntime's memory).
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ShapeZYX } from '@seahorse/io';
import type { TilingMode } from '@seahorse/model-package';
import { predictEnsemble } from '../src/ensemble/predict-ensemble.js';
import { OnnxSessionHost } from '../src/runtime/onnx-session-host.js';
import { planTiling } from '../src/tiling/plan.js';

/** The benchmark's synthetic 'scan' (matches tools/reference/inference_runtime_bench.py). */
function syntheticVolumeZYX([Z, Y, X]: ShapeZYX): Float32Array {
  const out = new Float32Array(Z * Y * X);
  let i = 0;
  for (let z = 0; z < Z; z++) for (let y = 0; y < Y; y++) for (let x = 0; x < X; x++) {
    out[i++] = Math.sin(x / 9) * Math.cos(y / 11) * 0.6 + Math.sin(z / 13) * 0.4;
  }
  return out;
}

const [kind, onnx, threadsArg, ...rest] = process.argv.slice(2);
const threads = Number(threadsArg);
const seconds: number[] = [];
let extra: Record<string, unknown> = {};
let hostPeakRssBytes = 0;
if (kind === 'patch') {
  const host = await OnnxSessionHost.start([{ name: 'full-size', path: onnx! }], { intraOpThreads: threads });
  const shape: ShapeZYX = [128, 176, 176];
  const patch = syntheticVolumeZYX(shape);
  for (let r = 0; r < Number(rest[0] ?? 2); r++) {
    const t = performance.now();
    await host.run(0, patch, 1, shape);
    seconds.push((performance.now() - t) / 1000);
  }
  hostPeakRssBytes = await host.maxRssBytes();
  await host.close();
} else if (kind === 'patch-direct' || kind === 'profile') {
  const ort = await import('onnxruntime-node');
  const profile = kind === 'profile';
  const session = await ort.InferenceSession.create(onnx!, {
    intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
    enableCpuMemArena: false, enableMemPattern: true, executionProviders: ['cpu'], logSeverityLevel: 3,
    ...(profile ? { enableProfiling: true, profileFilePrefix: path.join(rest[0]!, 'node') } : {}),
  });
  const shape: ShapeZYX = [128, 176, 176];
  const patch = syntheticVolumeZYX(shape);
  for (let r = 0; r < (profile ? 1 : Number(rest[0] ?? 2)); r++) {
    const t = performance.now();
    await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', patch, [1, 1, ...shape]) });
    seconds.push((performance.now() - t) / 1000);
  }
  if (profile) {
    session.endProfiling();
    const trace = readdirSync(rest[0]!).find((f) => f.startsWith('node') && f.endsWith('.json'));
    extra = { trace: trace ? path.join(rest[0]!, trace) : undefined };
  }
  await session.release();
} else {
  const [mode, membersArg, segOut, budget, shapeArg] = rest;
  const members = Number(membersArg);
  const shape = (shapeArg ? shapeArg.split(',').map(Number) : [176, 256, 256]) as unknown as ShapeZYX;
  const host = await OnnxSessionHost.start(
    Array.from({ length: members }, (_, i) => ({ name: `member${i + 1}`, path: onnx! })), { intraOpThreads: threads });
  const plan = planTiling(shape, { mode: mode as TilingMode, ...(budget && budget !== '-' ? { memoryBudgetBytes: Number(budget) } : {}) });
  const input = syntheticVolumeZYX(shape);
  const t = performance.now();
  const r = await predictEnsemble({ runner: host, inputCZYX: input, inputChannels: 1, shapeZYX: shape, classes: 3, plan });
  seconds.push((performance.now() - t) / 1000);
  hostPeakRssBytes = await host.maxRssBytes();
  await host.close();
  writeFileSync(segOut!, r.segmentationZYX);
  extra = { patchesPerMember: plan.windows.length, wholeFellBack: plan.wholeFellBack, patchZYX: plan.patchZYX };
}
const ownPeakRssBytes = process.resourceUsage().maxRSS * 1024;
console.log(JSON.stringify({ seconds, peakRssBytes: ownPeakRssBytes + hostPeakRssBytes, hostPeakRssBytes, ...extra }));
