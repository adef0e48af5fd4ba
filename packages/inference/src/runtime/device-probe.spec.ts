import { describe, expect, it } from 'vitest';
import { cudaStatus } from './cuda.js';
import { probeDevice } from './device-probe.js';

describe('probing a device before work is given to it', () => {
  it('runs the probe convolution on the CPU', async () => {
    await expect(probeDevice('cpu')).resolves.toEqual({ device: 'cpu', notice: undefined });
  });

  it.skipIf(cudaStatus().available)('without a usable GPU: auto falls back to the CPU with a notice; cuda fails with one line', async () => {
    const notices: string[] = [];
    const probe = await probeDevice('auto', (l) => notices.push(l));
    expect(probe.device).toBe('cpu');
    expect(notices).toEqual([probe.notice]);
    expect(probe.notice).toMatch(/^device auto: CUDA is not usable, using the CPU \(.+\)$/);
    const err = await probeDevice('cuda:1').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CUDA_UNAVAILABLE', message: expect.stringMatching(/^device cuda:1: /) });
    expect((err as Error).message).not.toContain('\n');
  });
});
