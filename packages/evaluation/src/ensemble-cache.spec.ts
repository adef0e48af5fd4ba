import path from 'node:path';
import { repoRoot } from '@seahorse/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { EnsembleCache } from './ensemble-cache.js';

const demo = path.join(repoRoot(), 'models', 'demo');

describe('EnsembleCache and the device', () => {
  const cache = new EnsembleCache({ threads: 1 });
  afterAll(() => cache.close());

  it('keeps one open ensemble (one session per member) per package, thread count and device, across scans', async () => {
    const a = await cache.get(demo);
    expect(await cache.get(demo)).toBe(a);
    expect(await cache.get(demo, undefined, 'cpu')).toBe(a);
    expect(a.device).toBe('cpu');
    const pid = a.hostPid;
    expect(pid).toBeGreaterThan(0);
    expect((await cache.get(demo)).hostPid).toBe(pid); // the same sessions, not reopened
  }, 120_000);

  it("a worker that offers no GPU refuses a run that requires one; auto on it is the CPU", async () => {
    const cpuWorker = new EnsembleCache({ threads: 1, device: 'cpu' });
    try {
      await expect(cpuWorker.get(demo, undefined, 'cuda')).rejects.toMatchObject({ code: 'CUDA_UNAVAILABLE', message: expect.stringContaining('--device cpu') });
      expect((await cpuWorker.get(demo, undefined, 'auto')).device).toBe('cpu');
    } finally {
      await cpuWorker.close();
    }
  }, 120_000);
});
