// Section "CPU speed against the best runtime" (issue 13) of `npm run bench -- inference`.
//
// Network: the full-size InnerEye Hippocampus UNet3D (../shared/models/innereye-full-size), imported
// twice: the default graph (BatchNorm folded, ConvTranspose as its phase decomposition) and the
// literal one (BatchNormalization nodes, ConvTranspose), as a plain PyTorch export would give.
// Seahorse: onnxruntime-node 1.30 in its session host process, default graph.
// References, same threads, same synthetic input: onnxruntime-python 1.32 (the reference .venv) on
// the literal graph and on the default graph, and PyTorch CPU (tools/train/.venv) on the checkpoint.
// Environment: SEAHORSE_BENCH_THREADS (default: available parallelism), SEAHORSE_BENCH_REPS (runs per
// patch, best kept, default 2), SEAHORSE_BENCH_SCAN_ZYX (the 'scan', default 176,256,256: 8 patches;
// 128,176,176 is one), SEAHORSE_BENCH_PARTS (comma list of profile,patch,scan; default all), SEAHORSE_BENCH_SCAN_DEFAULT_GRAPH=1
// (onnxruntime-python on the default graph in the scan too).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { importInnerEyeCheckpoint } from '@seahorse/innereye-import';
import { repoRoot, runPythonReference, sharedDataMissing, sharedPath } from '@seahorse/testkit';
import { perOperatorMs, printOperatorTable } from './onnx-profile.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const CHILD = path.join(here, 'inference-runtime-child.ts');

interface Timing { seconds: number[]; peakRssBytes?: number; peak_rss_bytes?: number; trace?: string; version?: string; torch?: string }

function node(args: string[]): Timing {
  const r = spawnSync(process.execPath, ['--conditions=@seahorse/source', '--import', 'tsx', CHILD, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`inference-runtime-child ${args[0]} failed (status ${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Timing;
}

function pytorch(args: string[]): Timing | undefined {
  const python = path.join(repoRoot(), 'tools', 'train', '.venv', 'bin', 'python');
  if (!existsSync(python)) return undefined;
  const r = spawnSync(python, [path.join(repoRoot(), 'tools', 'reference', 'inference_pytorch_bench.py'), ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`inference_pytorch_bench.py failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Timing;
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const best = (t: Timing | undefined) => (t ? Math.min(...t.seconds) : NaN);
const ratio = (a: number, b: number) => (Number.isFinite(b) ? (a / b).toFixed(2) : 'n/a');

/** Runs the section and prints its figures, ratios and the per-operator profile. */
export async function benchInferenceGraph(): Promise<void> {
  console.log('\n--- CPU speed against the best runtime: full-size InnerEye UNet3D, default graph vs literal graph ---');
  const checkpoint = 'models/innereye-full-size/last.ckpt';
  const missing = sharedDataMissing(checkpoint);
  if (missing) { console.log(`skipped: ${missing}`); return; }
  const threads = String(Number(process.env.SEAHORSE_BENCH_THREADS ?? availableParallelism()));
  const reps = String(Number(process.env.SEAHORSE_BENCH_REPS ?? 2));
  const scanZYX = process.env.SEAHORSE_BENCH_SCAN_ZYX ?? '176,256,256';
  const parts = new Set((process.env.SEAHORSE_BENCH_PARTS ?? 'profile,patch,scan').split(','));
  const work = mkdtempSync(path.join(tmpdir(), 'seahorse-bench-graph-'));
  try {
    await importInnerEyeCheckpoint(sharedPath(checkpoint), path.join(work, 'default'));
    await importInnerEyeCheckpoint(sharedPath(checkpoint), path.join(work, 'literal'), { batchNorm: 'node', upsampling: 'convTranspose' });
    const graph = { default: path.join(work, 'default', 'members', '01-last.onnx'), literal: path.join(work, 'literal', 'members', '01-last.onnx') };
    console.log(`threads ${threads} (every runtime); load average at start ${load()}`);

    if (parts.has('profile')) {
      // one 128×176×176 patch per runtime and graph with onnxruntime's per-node profiler (ms per operator type)
      const columns: Record<string, Record<string, number>> = {};
      const walls: string[] = [];
      for (const [name, onnx] of Object.entries(graph)) {
        const dir = path.join(work, `trace-node-${name}`);
        mkdirSync(dir);
        const t = node(['profile', onnx, threads, dir]);
        columns[`node ${name}`] = perOperatorMs(t.trace!, 1);
        walls.push(`node ${name} ${t.seconds[0]!.toFixed(1)} s`);
      }
      for (const [name, onnx] of Object.entries(graph)) {
        const dir = path.join(work, `trace-py-${name}`);
        mkdirSync(dir);
        const t = await runPythonReference<Timing>('inference_runtime_bench.py', [onnx, threads, 'profile', dir]);
        columns[`py ${name}`] = perOperatorMs(t.trace!, 1);
        walls.push(`python ${t.version} ${name} ${t.seconds[0]!.toFixed(1)} s`);
      }
      console.log(`per-operator profile, one patch (node = onnxruntime-node 1.30, py = onnxruntime-python; wall: ${walls.join(', ')}); load ${load()}`);
      printOperatorTable(columns);
    }

    if (parts.has('patch')) {
      const s = node(['patch', graph.default, threads, reps]);
      const pl = await runPythonReference<Timing>('inference_runtime_bench.py', [graph.literal, threads, 'patch', reps]);
      const pd = await runPythonReference<Timing>('inference_runtime_bench.py', [graph.default, threads, 'patch', reps]);
      const pt = pytorch([sharedPath(checkpoint), threads, reps]);
      console.log(`patch 128×176×176, best of ${reps}: Seahorse ${best(s).toFixed(2)} s; onnxruntime-python ${pl.version} literal graph ${best(pl).toFixed(2)} s, `
        + `default graph ${best(pd).toFixed(2)} s; PyTorch ${pt?.torch ?? '(no tools/train/.venv)'} ${best(pt).toFixed(2)} s; load ${load()}`);
      console.log(`  ratios per patch: Seahorse / onnxruntime-python ${pl.version} literal ${ratio(best(s), best(pl))}, default graph ${ratio(best(s), best(pd))} (goal ≤ 1.0); `
        + `Seahorse / PyTorch ${ratio(best(s), best(pt))} (goal ≤ 0.5)`);
    }

    if (parts.has('scan')) {
      const s = node(['scan', graph.default, threads, 'innereye', '1', path.join(work, 'seg.u8'), '-', scanZYX]);
      const pl = await runPythonReference<Timing>('inference_runtime_bench.py', [graph.literal, threads, 'scan', scanZYX]);
      // onnxruntime-python on the default graph only per patch (SEAHORSE_BENCH_SCAN_DEFAULT_GRAPH=1 adds it here)
      const pd = process.env.SEAHORSE_BENCH_SCAN_DEFAULT_GRAPH === '1'
        ? await runPythonReference<Timing>('inference_runtime_bench.py', [graph.default, threads, 'scan', scanZYX]) : undefined;
      const pt = pytorch([sharedPath(checkpoint), threads, '0', scanZYX]);
      console.log(`scan ${scanZYX.replaceAll(',', '×')}, innereye tiling, 1 member: Seahorse ${best(s).toFixed(1)} s; onnxruntime-python ${pl.version} literal ${best(pl).toFixed(1)} s, `
        + `default graph ${pd ? `${best(pd).toFixed(1)} s` : 'not run'}; PyTorch ${best(pt).toFixed(1)} s; load ${load()}`);
      console.log(`  ratios per scan: Seahorse / onnxruntime-python ${pl.version} literal ${ratio(best(s), best(pl))}, default graph ${ratio(best(s), best(pd))} (goal ≤ 1.0); `
        + `Seahorse / PyTorch ${ratio(best(s), best(pt))} (goal ≤ 0.5)`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
