import { describe, expect, it } from 'vitest';
import { parseNvidiaSmiMemory } from '../runtime/gpu-memory.js';
import { GPU_RESERVE_BYTES, planForDeviceMemory, type DevicePlanInput } from './device-plan.js';
import { planTiling } from './plan.js';

const GiB = 2 ** 30;
const H200 = { totalBytes: 140 * GiB, freeBytes: 139 * GiB };
const niivue: DevicePlanInput = { shapeZYX: [256, 256, 256], patchZYX: [128, 176, 176], padMultiple: 16, padPlacement: 'split', overlap: 0.5 };

describe('GPU-sized plans from the device memory', () => {
  it('an H200 runs a 256³ scan whole, in one pass', () => {
    const plan = planForDeviceMemory(H200, niivue);
    expect(plan).toMatchObject({ mode: 'whole', patchZYX: [256, 256, 256], fits: true });
    expect(plan.memoryBudgetBytes).toBeCloseTo((139 * GiB - GPU_RESERVE_BYTES) * 0.9, 0);
    expect(256 ** 3 * plan.bytesPerVoxel).toBeLessThan(plan.memoryBudgetBytes);
    // and planTiling, given that budget, agrees: one window, no fallback
    const tiling = planTiling(niivue.shapeZYX, { mode: 'whole', memoryBudgetBytes: plan.memoryBudgetBytes, bytesPerVoxel: plan.bytesPerVoxel });
    expect(tiling.windows).toHaveLength(1);
    expect(tiling.wholeFellBack).toBe(false);
  });

  it('a 12 GB GPU cannot: without a mode it keeps InnerEye crops; whole falls back to the largest tiles that fit', () => {
    const small = { totalBytes: 12 * GiB, freeBytes: 11.5 * GiB };
    const auto = planForDeviceMemory(small, niivue);
    expect(auto).toMatchObject({ mode: 'innereye', patchZYX: [128, 176, 176], fits: true });
    const whole = planForDeviceMemory(small, { ...niivue, mode: 'whole' });
    expect(whole.mode).toBe('whole');
    const voxels = whole.patchZYX[0] * whole.patchZYX[1] * whole.patchZYX[2];
    expect(voxels * whole.bytesPerVoxel).toBeLessThanOrEqual(whole.memoryBudgetBytes);
    expect(voxels).toBeGreaterThan(128 * 176 * 176); // bigger passes than InnerEye's crop
    expect(whole.patchZYX.every((s) => s % 16 === 0 && s <= 256)).toBe(true);
  });

  it("innereye's patch is never changed, and says when it does not fit; gaussian takes the largest tile", () => {
    const tiny = { totalBytes: 4 * GiB, freeBytes: 3 * GiB };
    expect(planForDeviceMemory(tiny, { ...niivue, mode: 'innereye' })).toMatchObject({ patchZYX: [128, 176, 176], fits: false, reason: expect.stringContaining('does NOT fit') });
    const g = planForDeviceMemory(H200, { ...niivue, mode: 'gaussian' });
    expect(g).toMatchObject({ mode: 'gaussian', patchZYX: [256, 256, 256], fits: true });
    expect(() => planForDeviceMemory({ totalBytes: 0, freeBytes: 0 }, niivue)).toThrow(/device memory/);
  });

  it("reads nvidia-smi's memory query, one GPU a line, in MiB", () => {
    const m = parseNvidiaSmiMemory('0, 143771, 143156\n1, 143771, 1024\nnot a line\n');
    expect(m.get(0)).toEqual({ totalBytes: 143771 * 2 ** 20, freeBytes: 143156 * 2 ** 20 });
    expect(m.get(1)?.freeBytes).toBe(1024 * 2 ** 20);
    expect(m.size).toBe(2);
  });
});
