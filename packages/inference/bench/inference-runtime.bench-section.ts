// Section "inference runtime" (issue 6) of `npm run bench -- inference`.
//
// Network: the full-size InnerEye Hippocampus UNet3D from ../shared/models/innereye-full-size,
// imported to ONNX. Seahorse: onnxruntime-node in a session host process (OnnxSessionHost), each
// measurement in a fresh process (inference-runtime-child.ts) so its peak RSS is its own (that
// process's and its session host's, added).
// Reference: onnxruntime-python on the same ONNX file (the default graph) and thread count
// (tools/reference/inference_runtime_bench.py); PyTorch CPU is in the "graph" section.
// Environment: SEAHORSE_BENCH_THREADS (default: available parallelism), SEAHORSE_BENCH_MEMBERS
// (ensemble size for the peak-RSS run, default 5), SEAHORSE_BENCH_ENSEMBLE_ZYX (volume of that run,
// default 176,256,256), SEAHORSE_BENCH_ENSEMBLE_MODE (its tiling, default whole),
// SEAHORSE_BENCH_WHOLE_BUDGET (whole mode's memory budget in bytes, default the runtime's 5 GiB),
// SEAHORSE_BENCH_SKIP_HOST_OVERHEAD=1 (skips the session host's overhead, the patch line and the
// Python scan, which the "graph" section measures too).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { importInnerEyeCheckpoint } from '@seahorse/innereye-import';
import { runPythonReference, sharedDataMissing, sharedPath } from '@seahorse/testkit';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'inference-runtime-child.ts');
const GiB = 1024 ** 3;

interface ChildResult { seconds: number[]; peakRssBytes: number; patchesPerMember?: number; wholeFellBack?: boolean; patchZYX?: number[] }
interface PyResult { seconds: number[]; peak_rss_bytes: number }

function child(args: string[]): ChildResult {
  const r = spawnSync(process.execPath, ['--conditions=@seahorse/source', '--import', 'tsx', CHILD, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`inference-runtime-child ${args[0]} failed (status ${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
}

const gib = (b: number) => `${(b / GiB).toFixed(2)} GiB`;
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const secs = (s: number) => `${s.toFixed(1)} s`;

/** Runs the inference-runtime benchmarks and prints their figures and ratios. */
export async function benchInferenceRuntime(): Promise<void> {
  console.log('\n--- inference runtime: full-size InnerEye UNet3D (onnxruntime-node 1.30, CPU) ---');
  const missing = sharedDataMissing('models/innereye-full-size/last.ckpt');
  if (missing) { console.log(`skipped: ${missing}`); return; }
  const threads = Number(process.env.SEAHORSE_BENCH_THREADS ?? availableParallelism());
  const members = Number(process.env.SEAHORSE_BENCH_MEMBERS ?? 5);
  const work = mkdtempSync(path.join(tmpdir(), 'seahorse-bench-runtime-'));
  try {
    const pkg = path.join(work, 'full');
    await importInnerEyeCheckpoint(sharedPath('models/innereye-full-size/last.ckpt'), pkg);
    const onnx = path.join(pkg, 'members', '01-last.onnx');
    console.log(`threads ${threads} (both sides); reference = onnxruntime-python on the same ONNX (the default graph); load average ${load()}`);

    if (process.env.SEAHORSE_BENCH_SKIP_HOST_OVERHEAD !== '1') {
      // The session host's own cost: the same patch through the host process and straight in-process,
      // alternated so that machine noise falls on both.
      const viaHost: number[] = [];
      const direct: number[] = [];
      for (let i = 0; i < 2; i++) {
        viaHost.push(Math.min(...child(['patch', onnx, String(threads), '2']).seconds));
        direct.push(Math.min(...child(['patch-direct', onnx, String(threads), '2']).seconds));
      }
      console.log(`session host overhead, one 128×176×176 patch, best of 4: via the host process ${secs(Math.min(...viaHost))}, `
        + `onnxruntime-node in-process ${secs(Math.min(...direct))}; ratio ${(Math.min(...viaHost) / Math.min(...direct)).toFixed(3)}`);

      const sp = child(['patch', onnx, String(threads), '2']);
      const pp = await runPythonReference<PyResult>('inference_runtime_bench.py', [onnx, String(threads), 'patch', '2']);
      const s = Math.min(...sp.seconds);
      const p = Math.min(...pp.seconds);
      console.log(`patch 128×176×176, best of 2: Seahorse ${secs(s)} (first ${secs(sp.seconds[0]!)}), reference ${secs(p)}; ratio ${(s / p).toFixed(2)}; `
        + `peak RSS Seahorse ${gib(sp.peakRssBytes)}, reference ${gib(pp.peak_rss_bytes)}`);
    }

    const segInnerEye = path.join(work, 'innereye.u8');
    const si = child(['scan', onnx, String(threads), 'innereye', '1', segInnerEye]);
    if (process.env.SEAHORSE_BENCH_SKIP_HOST_OVERHEAD !== '1') {
      const pi = await runPythonReference<PyResult>('inference_runtime_bench.py', [onnx, String(threads), 'scan']);
      console.log(`scan 176×256×256, innereye tiling (${si.patchesPerMember} patches), 1 member: Seahorse ${secs(si.seconds[0]!)}, reference ${secs(pi.seconds[0]!)}; `
        + `ratio ${(si.seconds[0]! / pi.seconds[0]!).toFixed(2)}; peak RSS Seahorse ${gib(si.peakRssBytes)}, reference ${gib(pi.peak_rss_bytes)}`);
    } else {
      console.log(`scan 176×256×256, innereye tiling (${si.patchesPerMember} patches), 1 member: Seahorse ${secs(si.seconds[0]!)}, peak RSS ${gib(si.peakRssBytes)}`);
    }
    const agreement = (file: string) => {
      const a = readFileSync(segInnerEye);
      const b = readFileSync(file);
      let same = 0;
      for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
      return `${((100 * same) / a.length).toFixed(3)} %`;
    };
    // whole mode with the default budget (5 GiB per pass at 260 B/voxel for the default graph: one
    // pass up to 20.6 M voxels); SEAHORSE_BENCH_WHOLE_BUDGET (bytes) overrides it, e.g. to force slabs
    const budget = process.env.SEAHORSE_BENCH_WHOLE_BUDGET ?? '-';
    const segWhole = path.join(work, 'whole.u8');
    const sw = child(['scan', onnx, String(threads), 'whole', '1', segWhole, budget]);
    console.log(`scan 176×256×256, whole mode, budget ${budget === '-' ? '5 GiB (default)' : gib(Number(budget))} (${sw.wholeFellBack ? `fell back to ${sw.patchesPerMember} tiles of ${sw.patchZYX!.join('×')}` : 'one pass'}), 1 member: `
      + `${secs(sw.seconds[0]!)}, peak RSS ${gib(sw.peakRssBytes)}; speed-up over innereye tiling ${(si.seconds[0]! / sw.seconds[0]!).toFixed(2)}× (goal ≥ 2.5); voxel agreement with innereye ${agreement(segWhole)}; load ${load()}`);

    const ensembleZYX = process.env.SEAHORSE_BENCH_ENSEMBLE_ZYX ?? '176,256,256';
    const ensembleMode = process.env.SEAHORSE_BENCH_ENSEMBLE_MODE ?? 'whole';
    const se = child(['scan', onnx, String(threads), ensembleMode, String(members), path.join(work, 'ensemble.u8'), '-', ensembleZYX]);
    console.log(`volume ${ensembleZYX.replaceAll(',', '×')}, ${ensembleMode} mode (${se.patchesPerMember} pass(es) per member), ${members}-member ensemble `
      + `(members in turn, arena released): ${secs(se.seconds[0]!)}, peak RSS ${gib(se.peakRssBytes)} = ${(se.peakRssBytes / 1e9).toFixed(2)} GB (goal ≤ 6 GB per in-flight scan); load ${load()}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
