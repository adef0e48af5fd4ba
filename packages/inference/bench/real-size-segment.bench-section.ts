// Section "real-size" of `npm run bench -- inference` (issue 13, goal 4): the end-to-end
// `seahorse segment` time and peak RSS of the 5-member full-size InnerEye ensemble on the shared 256³
// niivue subject, in `innereye` and in `whole` tiling, and the estimate for a 252-scan cohort (the
// model card's test set). The CLI runs as a user runs it (`./seahorse segment`, the built CLI), so
// the figures include reading, preprocessing, the members' passes, writing and the QC picture.
// Peak RSS is the largest sum of RSS over the CLI's process tree (the CLI and its session host),
// sampled from /proc every 100 ms. The members hold random weights (../shared's full-size
// checkpoint, five copies in InnerEye's registered-model layout), so only time and memory mean
// something here. Environment: SEAHORSE_BENCH_THREADS (onnxruntime threads, default: available
// parallelism), SEAHORSE_BENCH_MODES (default innereye,whole).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot, sharedDataMissing, sharedPath } from '@seahorse/testkit';

const COHORT_SCANS = 252;

/** RSS in bytes of `pid` and all its descendants, from /proc. */
function treeRssBytes(pid: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch { /* gone */ }
  }
  let total = 0;
  const stack = [pid];
  while (stack.length > 0) {
    const p = stack.pop()!;
    try {
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      if (rss) total += Number(rss[1]) * 1024;
    } catch { /* gone */ }
    stack.push(...(children.get(p) ?? []));
  }
  return total;
}

/** Runs the CLI, sampling its process tree's RSS; resolves with wall seconds and the peak. */
function runCli(args: string[]): Promise<{ seconds: number; peakRssBytes: number; output: string }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(path.join(repoRoot(), 'seahorse'), args, { cwd: repoRoot(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => void (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => void (output += d.toString()));
    let peak = 0;
    const timer = setInterval(() => void (peak = Math.max(peak, treeRssBytes(child.pid!))), 100);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      if (code !== 0) reject(new Error(`seahorse ${args[0]} exited ${code}: ${output.slice(-2000)}`));
      else resolve({ seconds: (performance.now() - t0) / 1000, peakRssBytes: peak, output });
    });
  });
}

const gb = (b: number) => `${(b / 1e9).toFixed(2)} GB`;
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

export async function benchRealSizeSegment(): Promise<void> {
  console.log('\n--- real size: `seahorse segment`, 5-member full-size ensemble, 256³ niivue subject ---');
  const missing = sharedDataMissing('models/innereye-full-size/last.ckpt', 'data/niivue-subject/norm.nii.gz');
  if (missing) {
    console.log(`skipped: ${missing}`);
    return;
  }
  const threads = Number(process.env.SEAHORSE_BENCH_THREADS ?? availableParallelism());
  const modes = (process.env.SEAHORSE_BENCH_MODES ?? 'innereye,whole').split(',');
  const work = mkdtempSync(path.join(tmpdir(), 'seahorse-real-size-'));
  try {
    const registered = path.join(work, 'registered');
    const checkpoints = [1, 2, 3, 4].map((i) => `checkpoints/OTHER_RUNS/${i}/last.ckpt`).concat('checkpoints/last.ckpt');
    for (const c of checkpoints) {
      mkdirSync(path.dirname(path.join(registered, c)), { recursive: true });
      symlinkSync(sharedPath('models', 'innereye-full-size', 'last.ckpt'), path.join(registered, c));
    }
    writeFileSync(path.join(registered, 'model_inference_config.json'), JSON.stringify({ model_name: 'Hippocampus', checkpoint_paths: checkpoints }));
    const model = path.join(work, 'model');
    const imported = await runCli(['import-innereye', registered, model]);
    console.log(`imported the 5 members (default graph) in ${imported.seconds.toFixed(1)} s`);
    console.log(`threads ${threads}; load average at start ${load()}`);
    const scan = sharedPath('data', 'niivue-subject', 'norm.nii.gz');
    const rows: { mode: string; seconds: number; peak: number }[] = [];
    for (const mode of modes) {
      const r = await runCli(['segment', scan, '--model', model, '--out', path.join(work, `seg-${mode}`), '--tiling', mode, '--threads', String(threads)]);
      rows.push({ mode, seconds: r.seconds, peak: r.peakRssBytes });
      const passes = /(\d+) pass\(es\) per member/.exec(r.output)?.[1] ?? '?';
      console.log(`${mode}: ${r.seconds.toFixed(1)} s end to end (${passes} pass(es) per member), peak RSS ${gb(r.peakRssBytes)} (CLI + session host); ` +
        `${COHORT_SCANS} scans ≈ ${((r.seconds * COHORT_SCANS) / 3600).toFixed(1)} h; load ${load()}`);
    }
    const inner = rows.find((r) => r.mode === 'innereye');
    const whole = rows.find((r) => r.mode === 'whole');
    if (inner && whole) console.log(`whole / innereye: ${(inner.seconds / whole.seconds).toFixed(2)}× faster end to end (goal ≥ 2.5×), peak RSS ${gb(whole.peak)} (goal ≤ 6 GB)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
