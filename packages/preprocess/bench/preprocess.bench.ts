// npm run bench -- preprocess
// MriWindow on a real 256³ volume vs the numpy reference, and resampling to 1 mm vs SimpleITK,
// measured in the same run; prints medians and ratios.
import { performance } from 'node:perf_hooks';
import { gridOf, readNifti } from '@seahorse/io';
import { gridWithSpacing, mriWindow, resampleToGrid } from '@seahorse/preprocess';
import { runPythonReference, sharedPath } from '@seahorse/testkit';

const RUNS = 3;
const MRI = sharedPath('data/niivue-subject/norm.nii.gz');
const RESAMPLE = [sharedPath('data/headers/oblique-sform-int16-t1.nii.gz'), sharedPath('data/headers/chris-t1-0.88mm.nii.gz')];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
function timed(fn: () => void): number {
  const ts: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    fn();
    ts.push((performance.now() - t0) / 1000);
  }
  return median(ts);
}
const f = (s: number) => `${s.toFixed(3)} s`;

interface PyBench {
  mriWindow: { shapeZYX: number[]; numpyReference: number; installedLibs: number };
  resample: { path: string; targetShapeXYZ: number[]; linear: number; linear1thread: number; bspline: number; bspline1thread: number }[];
  sitkThreads: number;
}

const py = await runPythonReference<PyBench>('preprocess_bench.py', [String(RUNS), MRI, ...RESAMPLE]);

const vol = readNifti(MRI);
const data = Float32Array.from(vol.data);
const tMri = timed(() => { mriWindow(data, { scan: 'norm.nii.gz' }); });
console.log(`MriWindow on ${vol.shapeXYZ.join('×')} float32 (${MRI.split('/').slice(-2).join('/')}), median of ${RUNS}:`);
console.log(`  Seahorse ${f(tMri)} | numpy reference (explicit 0.17.2 rule) ${f(py.mriWindow.numpyReference)} ` +
  `(Seahorse/ref ${(tMri / py.mriWindow.numpyReference).toFixed(2)}) | installed skimage+numpy ${f(py.mriWindow.installedLibs)} ` +
  `(Seahorse/ref ${(tMri / py.mriWindow.installedLibs).toFixed(2)})`);

console.log(`Resampling to 1 mm (float32 out), median of ${RUNS}; SimpleITK default threads = ${py.sitkThreads}:`);
for (const r of py.resample) {
  const v = readNifti(r.path);
  const input = { ...v, data: Float32Array.from(v.data) };
  const grid = gridWithSpacing(gridOf(input), [1, 1, 1]);
  for (const interp of ['linear', 'bspline'] as const) {
    const t = timed(() => { resampleToGrid(input, grid, { interpolation: interp }); });
    const ref = r[interp];
    const ref1 = r[`${interp}1thread`];
    console.log(`  ${r.path.split('/').pop()} [${v.shapeXYZ.join('×')}] -> [${grid.shapeXYZ.join('×')}] ${interp}: Seahorse ${f(t)} (1 thread) | ` +
      `SimpleITK ${f(ref)} (ratio ${(t / ref).toFixed(2)}) | SimpleITK 1 thread ${f(ref1)} (ratio ${(t / ref1).toFixed(2)})`);
  }
}
