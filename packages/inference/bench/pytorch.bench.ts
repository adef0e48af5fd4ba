// `npm run bench -- inference` (this file): Seahorse against PyTorch CPU, as the issue asks, on one
// 128×176×176 patch of the full-size InnerEye UNet3D, the same thread count on both sides.
// PyTorch is the training tool's (tools/train/.venv, Debian's python3-torch; `bash tools/train/setup.sh`).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { importInnerEyeCheckpoint } from '@seahorse/innereye-import';
import { repoRoot, sharedDataMissing, sharedPath } from '@seahorse/testkit';

const here = path.dirname(fileURLToPath(import.meta.url));
const missing = sharedDataMissing('models/innereye-full-size/last.ckpt');
const python = path.join(repoRoot(), 'tools', 'train', '.venv', 'bin', 'python');
if (missing || !existsSync(python)) {
  console.log(`skipped: ${missing ?? `no PyTorch environment at ${python} (run 'bash tools/train/setup.sh')`}`);
  process.exit(0);
}
const threads = Number(process.env.SEAHORSE_BENCH_THREADS ?? availableParallelism());
const reps = 2;
const work = mkdtempSync(path.join(tmpdir(), 'seahorse-bench-pytorch-'));
try {
  const checkpoint = sharedPath('models/innereye-full-size/last.ckpt');
  await importInnerEyeCheckpoint(checkpoint, path.join(work, 'full'));
  const onnx = path.join(work, 'full', 'members', '01-last.onnx');
  const run = (cmd: string, args: string[]) => {
    const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`${path.basename(args[args.length > 4 ? 4 : 0] ?? cmd)} failed: ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as { seconds: number[]; peakRssBytes?: number; peak_rss_bytes?: number; torch?: string };
  };
  const seahorse = run(process.execPath, ['--conditions=@seahorse/source', '--import', 'tsx', path.join(here, 'inference-runtime-child.ts'), 'patch', onnx, String(threads), String(reps)]);
  const torch = run(python, [path.join(repoRoot(), 'tools', 'reference', 'inference_pytorch_bench.py'), checkpoint, String(threads), String(reps)]);
  const s = Math.min(...seahorse.seconds);
  const t = Math.min(...torch.seconds);
  const gib = (b = 0) => `${(b / 1024 ** 3).toFixed(2)} GiB`;
  console.log(`--- Seahorse (onnxruntime-node) vs PyTorch ${torch.torch} CPU: full-size InnerEye UNet3D, one 128×176×176 patch, ${threads} thread(s), best of ${reps} ---`);
  console.log(`Seahorse ${s.toFixed(2)} s (peak RSS ${gib(seahorse.peakRssBytes)}), PyTorch ${t.toFixed(2)} s (peak RSS ${gib(torch.peak_rss_bytes)}); ratio Seahorse/PyTorch ${(s / t).toFixed(2)} (goal <= 1.0)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
