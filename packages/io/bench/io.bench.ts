// `npm run bench -- io`: NIfTI reading, Seahorse vs nibabel, measured side by side in the same run.
//
// Data: every NIfTI file in ../shared/data (413 files), and a 256³ int16 .nii.gz generated here
// (a smooth head-like phantom with noise, gzip level 6). Each side runs in its own child process
// (so that peak RSS is its own), alternating Seahorse / nibabel, REPEATS passes each; the table
// gives the median time and the peak RSS above the process's baseline after imports, after the first
// pass and after all passes (V8 frees large arrays at its next GC, numpy at once, so the two differ).
// Ratio = nibabel time / Seahorse time (> 1: Seahorse is faster).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeNifti } from '@seahorse/io';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..', '..');
const shared = process.env.SEAHORSE_SHARED_DIR ?? path.resolve(root, '..', 'shared');
const python = process.env.SEAHORSE_PYTHON ?? path.join(root, '.venv', 'bin', 'python');
const REPEATS = Number(process.env.IO_BENCH_REPEATS ?? 3);

interface Run { seconds: number[]; baselineRssBytes: number; firstPassPeakRssBytes: number; peakRssBytes: number; checksum: number }

function listNifti(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listNifti(p));
    else if (/\.nii(\.gz)?$/.test(e.name)) out.push(p);
  }
  return out.sort();
}

/** A 256³ int16 head-like phantom: an ellipsoid of tissue with smooth contrast and noise. */
function phantom(file: string): void {
  const n = 256;
  const data = new Int16Array(n * n * n);
  let seed = 12345;
  const noise = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return (seed / 0x7fffffff - 0.5) * 40; };
  for (let z = 0; z < n; z++) {
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        const dx = (x - 128) / 100, dy = (y - 128) / 115, dz = (z - 128) / 95;
        const r = dx * dx + dy * dy + dz * dz;
        const v = r < 1 ? 600 + 300 * Math.cos(6 * r) + noise() : 0;
        data[x + n * (y + n * z)] = Math.round(v);
      }
    }
  }
  const affine = Float64Array.from([-1, 0, 0, 128, 0, 0, 1, -128, 0, -1, 0, 128, 0, 0, 0, 1]);
  writeNifti(file, { data, shapeXYZ: [n, n, n], affine, kind: 'intensity' }, { compressionLevel: 6 });
}

function runSeahorse(mode: string, list: string): Run {
  const r = spawnSync(process.execPath, ['--conditions=@seahorse/source', '--import', 'tsx', path.join(here, 'io-bench-worker.ts'), mode, list, String(REPEATS)],
    { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`Seahorse worker failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Run;
}

function runNibabel(mode: string, list: string): Run {
  const r = spawnSync(python, [path.join(root, 'tools', 'reference', 'io_bench_nibabel.py'), mode, list, String(REPEATS)],
    { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`nibabel worker failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Run;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;

function main(): void {
  if (!existsSync(path.join(shared, 'data'))) throw new Error(`shared data not found at ${shared}/data (set SEAHORSE_SHARED_DIR)`);
  const tmp = mkdtempSync(path.join(tmpdir(), 'seahorse-io-bench-'));
  try {
    const big = path.join(tmp, 'phantom-256-int16.nii.gz');
    const t0 = performance.now();
    phantom(big);
    console.log(`generated ${big} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const sharedFiles = listNifti(path.join(shared, 'data'));
    const lists: [string, string[]][] = [[`shared data set (${sharedFiles.length} files)`, sharedFiles], ['256³ int16 .nii.gz', [big]]];
    console.log(`machine: ${cpus().length} cores, ${mib(totalmem())}; ${REPEATS} passes per cell, median shown; noisy if other work runs`);
    console.log('| data | mode | Seahorse time | nibabel time | ratio (nibabel/Seahorse) | Seahorse peak RSS above baseline: 1st pass / all | nibabel peak RSS above baseline: 1st pass / all |');
    console.log('|---|---|---|---|---|---|---|');
    for (const [name, files] of lists) {
      const list = path.join(tmp, 'list.txt');
      writeFileSync(list, files.join('\n'));
      for (const mode of ['fdata', 'stored']) {
        const s = runSeahorse(mode, list);
        const n = runNibabel(mode, list);
        if (Math.abs(s.checksum - n.checksum) > 1e-6 * Math.max(1, Math.abs(n.checksum))) {
          throw new Error(`checksums differ: Seahorse ${s.checksum} vs nibabel ${n.checksum}`);
        }
        const ts = median(s.seconds), tn = median(n.seconds);
        const label = mode === 'fdata' ? 'float64 (get_fdata)' : 'stored type (dataobj)';
        const mem = (x: Run) => `${mib(x.firstPassPeakRssBytes - x.baselineRssBytes)} / ${mib(x.peakRssBytes - x.baselineRssBytes)}`;
        console.log(`| ${name} | ${label} | ${ts.toFixed(3)} s | ${tn.toFixed(3)} s | ${(tn / ts).toFixed(2)} | ${mem(s)} | ${mem(n)} |`);
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main();
