// Benchmarks of @seahorse/innereye-import: `npm run bench -- innereye-import`.
// Each section runs Seahorse and its reference side by side in the same run and prints their ratio.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPythonReference, sharedPath, sharedDataMissing } from '@seahorse/testkit';
import { readStateDict } from '../src/checkpoint/torch-checkpoint.js';
import { importInnerEyeCheckpoint } from '../src/import-innereye.js';

const THIS_FILE = fileURLToPath(import.meta.url);
const MiB = 1024 * 1024;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// ─────────────────────────────────────────────────────────────────────────────────────────────
// Section: checkpoint import (issue 7)
//
// Seahorse: importInnerEyeCheckpoint on the full-size Hippocampus checkpoint (read state_dict,
// infer UNet3D, write ONNX + model.json), and readStateDict alone, each in a fresh child process
// so its peak RSS is its own. Reference: the same state_dict read with Python zipfile + pickle +
// numpy (tools/reference/inference_import_bench.py; no torch in the reference environment, so
// there is no PyTorch-side ONNX export to compare the whole import with).
// ─────────────────────────────────────────────────────────────────────────────────────────────

interface ChildResult { seconds: number; maxRssBytes: number; baselineRssBytes: number }

/** Runs one measured step in a fresh node process (this file with `--child`). */
function runChild(step: 'import' | 'read', checkpoint: string): ChildResult {
  const out = mkdtempSync(path.join(tmpdir(), 'seahorse-bench-import-'));
  try {
    const r = spawnSync(process.execPath, ['--conditions=@seahorse/source', '--import', 'tsx', THIS_FILE, '--child', step, checkpoint, path.join(out, 'package')], {
      encoding: 'utf8', maxBuffer: 16 * MiB,
    });
    if (r.status !== 0) throw new Error(`child ${step} failed: ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

async function childMain(step: string, checkpoint: string, out: string): Promise<void> {
  const baselineRssBytes = process.memoryUsage().rss;
  const t0 = performance.now();
  if (step === 'import') await importInnerEyeCheckpoint(checkpoint, out);
  else await readStateDict(checkpoint);
  const seconds = (performance.now() - t0) / 1000;
  const result: ChildResult = { seconds, maxRssBytes: process.resourceUsage().maxRSS * 1024, baselineRssBytes };
  console.log(JSON.stringify(result));
}

async function benchCheckpointImport(repeats = 3): Promise<void> {
  console.log('\n--- checkpoint import: full-size InnerEye Hippocampus checkpoint (16 channels, 4 downsamplings, 8,084,019 parameters) ---');
  const missing = sharedDataMissing('models/innereye-full-size/last.ckpt');
  if (missing) {
    console.log(`skipped: ${missing}`);
    return;
  }
  const checkpoint = sharedPath('models/innereye-full-size/last.ckpt');
  const imports: ChildResult[] = [];
  const reads: ChildResult[] = [];
  const refs: { seconds: number; max_rss_bytes: number }[] = [];
  for (let i = 0; i < repeats; i++) {
    imports.push(runChild('import', checkpoint));
    reads.push(runChild('read', checkpoint));
    refs.push(await runPythonReference<{ seconds: number; max_rss_bytes: number }>('inference_import_bench.py', [checkpoint]));
  }
  const row = (name: string, seconds: number, peak: number, base?: number): string =>
    `${name.padEnd(52)} ${seconds.toFixed(3).padStart(8)} s   peak RSS ${(peak / MiB).toFixed(0).padStart(5)} MiB${base !== undefined ? `   (process baseline ${(base / MiB).toFixed(0)} MiB)` : ''}`;
  const imp = { s: median(imports.map((r) => r.seconds)), peak: median(imports.map((r) => r.maxRssBytes)), base: median(imports.map((r) => r.baselineRssBytes)) };
  const rd = { s: median(reads.map((r) => r.seconds)), peak: median(reads.map((r) => r.maxRssBytes)), base: median(reads.map((r) => r.baselineRssBytes)) };
  const ref = { s: median(refs.map((r) => r.seconds)), peak: median(refs.map((r) => r.max_rss_bytes)) };
  console.log(`median of ${repeats} runs, each in a fresh process:`);
  console.log(row('Seahorse importInnerEyeCheckpoint (read+ONNX+manifest)', imp.s, imp.peak, imp.base));
  console.log(row('Seahorse readStateDict', rd.s, rd.peak, rd.base));
  console.log(row('Python zipfile+pickle+numpy state_dict read', ref.s, ref.peak));
  console.log(`ratio Seahorse/Python, state_dict read: time ${(rd.s / ref.s).toFixed(2)}, peak RSS ${(rd.peak / ref.peak).toFixed(2)}`);
  console.log(`ratio Seahorse full import / Python read: time ${(imp.s / ref.s).toFixed(2)}`);
}

const childIndex = process.argv.indexOf('--child');
if (childIndex >= 0) {
  const [step, checkpoint, out] = process.argv.slice(childIndex + 1);
  await childMain(step!, checkpoint!, out!);
} else {
  await benchCheckpointImport();
}
