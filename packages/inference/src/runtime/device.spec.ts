import { describe, expect, it } from 'vitest';
import { chooseDevice, formatDevice, parseDevice } from './device.js';
import { resolveRuntimeOptions } from './runtime-options.js';

describe('the device switch', () => {
  it('reads cpu, auto[:N] and cuda[:N], and nothing else', () => {
    expect(parseDevice('cpu')).toEqual({ kind: 'cpu' });
    expect(parseDevice('cuda')).toEqual({ kind: 'cuda', deviceId: 0 });
    expect(parseDevice('cuda:3')).toEqual({ kind: 'cuda', deviceId: 3 });
    expect(parseDevice('auto:1')).toEqual({ kind: 'auto', deviceId: 1 });
    for (const bad of ['gpu', 'cuda:', 'cuda:x', 'cpu:0', 'CUDA', 'cuda:123', '']) {
      expect(() => parseDevice(bad), bad).toThrow(/device: expected cpu, auto\[:N\] or cuda\[:N\], got/);
    }
    expect(formatDevice(parseDevice('cuda'))).toBe('cuda:0');
    expect(resolveRuntimeOptions({}).device).toBe('cpu');
    expect(() => resolveRuntimeOptions({ device: 'tpu' })).toThrow(/runtime option 'device'.*"tpu"/);
  });

  it('the run says whether a GPU may be used, the worker says which one', () => {
    expect(chooseDevice(undefined, undefined)).toBe('cpu');
    expect(chooseDevice(undefined, 'cuda:2')).toBe('cuda:2');
    expect(chooseDevice('cpu', 'cuda:2')).toBe('cpu');
    expect(chooseDevice('cuda', undefined)).toBe('cuda:0');
    expect(chooseDevice('cuda:1', 'auto')).toBe('cuda:1');
    expect(chooseDevice('auto', 'auto')).toBe('auto:0');
    expect(chooseDevice('auto', 'cuda:3')).toBe('cuda:3');
    expect(chooseDevice('cuda', 'cuda:3')).toBe('cuda:3');
    expect(chooseDevice('auto', 'cpu')).toBe('cpu');
    expect(() => chooseDevice('cuda', 'cpu')).toThrow(expect.objectContaining({ code: 'CUDA_UNAVAILABLE', message: expect.stringContaining('--device cpu') }));
  });
});
