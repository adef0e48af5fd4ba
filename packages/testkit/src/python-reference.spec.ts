import { expect, it } from 'vitest';
import { describeWithSharedData, sharedPath } from './shared-data.js';
import { readNpy } from './npy.js';
import { runPythonReference } from './python-reference.js';

describeWithSharedData('Python reference wiring', ['data/colin27-aal/ch2.nii.gz', 'models/innereye-full-size/input_zyx.npy'], () => {
  it('nibabel reads the Colin27 T1 from the shared data with the shape the data README gives', async () => {
    const ref = await runPythonReference<{ shape: number[]; dtype: string }>('nifti_summary.py', [
      sharedPath('data/colin27-aal/ch2.nii.gz'),
    ]);
    expect(ref.shape).toEqual([181, 217, 181]);
    expect(ref.dtype).toBe('uint8');
  });

  it('readNpy agrees with numpy on a shared reference array', async () => {
    const file = sharedPath('models/innereye-full-size/input_zyx.npy');
    const ref = await runPythonReference<{ shape: number[]; dtype: string; sum: number; first: number[] }>(
      'npy_summary.py', [file]);
    const ours = readNpy(file);
    expect(ours.shape).toEqual(ref.shape);
    expect(ours.dtype).toBe(ref.dtype);
    let sum = 0;
    for (let i = 0; i < ours.data.length; i++) sum += Number(ours.data[i]);
    expect(sum).toBeCloseTo(ref.sum, 2);
    expect(Array.from(ours.data.subarray(0, 5), Number)).toEqual(ref.first);
  });
});

it('a failing reference script reports its stderr', async () => {
  await expect(runPythonReference('nifti_summary.py', ['/nonexistent.nii.gz'])).rejects.toThrow(
    /nifti_summary\.py failed: .*No such file/s);
});
