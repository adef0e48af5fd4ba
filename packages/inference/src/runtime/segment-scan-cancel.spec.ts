import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VolumeXYZ } from '@seahorse/io';
import { loadModelPackage, writeModelManifest, type ModelPackage } from '@seahorse/model-package';
import { repoRoot } from '@seahorse/testkit';
import { InferenceRuntimeError } from '../errors.js';
import { isRunning } from './process-state.test-helpers.js';
import { openEnsemble, type Ensemble } from './segment-scan.js';

const work = mkdtempSync(path.join(tmpdir(), 'seahorse-segment-cancel-'));

/** The committed demo ensemble cut down to its first member, so that one scan is one pass. */
async function oneMemberDemo(): Promise<ModelPackage> {
  const demo = await loadModelPackage(path.join(repoRoot(), 'models', 'demo'));
  const folder = path.join(work, 'demo-one');
  const member = demo.manifest.members[0]!;
  mkdirSync(path.join(folder, 'members'), { recursive: true });
  copyFileSync(demo.members[0]!.path, path.join(folder, member.file));
  await writeModelManifest(folder, { ...demo.manifest, members: [member] });
  return loadModelPackage(folder);
}

/** A 128³ RAS volume with structure: a 'whole' pass of the demo member takes several seconds at one thread. */
function volume(): VolumeXYZ<Float32Array> {
  const n = 128;
  const data = new Float32Array(n * n * n);
  let i = 0;
  for (let z = 0; z < n; z++) for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) data[i++] = Math.sin(x / 7) * Math.cos(y / 9) + Math.sin(z / 11) + ((x * y + z) % 13) / 13;
  return { data, shapeXYZ: [n, n, n], affine: Float64Array.from([1, 0, 0, -64, 0, 1, 0, -64, 0, 0, 1, -64, 0, 0, 0, 1]), kind: 'intensity' };
}

const filesOf = (folder: string): Record<string, Buffer> =>
  Object.fromEntries(readdirSync(folder).sort().map((f) => [f, readFileSync(path.join(folder, f))]));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('cancelling segmentScan with an AbortSignal', () => {
  let ensemble: Ensemble;
  const scan = volume();
  beforeAll(async () => {
    ensemble = await openEnsemble(await oneMemberDemo(), { intraOpThreads: 1 });
  });
  afterAll(async () => { await ensemble?.close(); });

  it('shows the runtime options it runs with', () => {
    expect(ensemble.runtime).toMatchObject({ intraOpThreads: 1, device: 'cpu', memoryArena: 'release' });
    expect(ensemble.hostPid).toBeGreaterThan(0);
  });

  it('stops the running pass within a second, writes nothing, and the next scan gives the uncancelled bytes', async () => {
    // an uncancelled run first; a scan that waits for its turn meanwhile can be cancelled without touching it
    const reference = path.join(work, 'reference');
    const pidBefore = ensemble.hostPid!;
    const first = ensemble.segmentScan(scan, reference, { tiling: 'whole' });
    const waiting = new AbortController();
    const queued = ensemble.segmentScan(scan, path.join(work, 'queued'), { tiling: 'whole', signal: waiting.signal });
    await sleep(300);
    waiting.abort();
    await expect(queued).rejects.toMatchObject({ name: 'InferenceRuntimeError', code: 'CANCELLED' });
    const r0 = await first;
    expect(r0.patchesPerMember).toBe(1);
    expect(ensemble.hostPid).toBe(pidBefore); // the queued scan's cancel left the running pass alone
    expect(readdirSync(work)).not.toContain('queued');

    // now cancel a running pass
    const cancelledOut = path.join(work, 'cancelled');
    mkdirSync(cancelledOut);
    const controller = new AbortController();
    let passes = 0;
    const running = ensemble.segmentScan(scan, cancelledOut, { tiling: 'whole', signal: controller.signal, onProgress: () => passes++ });
    const outcome = running.then(() => 'finished', (e: unknown) => e);
    await sleep(1_500);
    const hostPid = ensemble.hostPid!;
    expect(isRunning(hostPid)).toBe(true);
    const started = performance.now();
    controller.abort(new Error('run cancelled by the user'));
    const err = await outcome;
    const latency = performance.now() - started;
    console.log(`segmentScan cancelled during a 128³ whole pass: rejected ${latency.toFixed(0)} ms after abort()`);
    expect(err).toBeInstanceOf(InferenceRuntimeError);
    expect(err).toMatchObject({ code: 'CANCELLED', message: expect.stringContaining('run cancelled by the user') });
    expect(latency).toBeLessThan(1_000);
    expect(passes).toBe(0); // it really was stopped inside the pass
    expect(isRunning(hostPid)).toBe(false);
    expect(ensemble.hostPid).toBeUndefined();
    expect(readdirSync(cancelledOut)).toEqual([]);

    // the same ensemble starts a fresh host and gives the same bytes as the uncancelled run
    const after = path.join(work, 'after');
    const r1 = await ensemble.segmentScan(scan, after, { tiling: 'whole' });
    expect(ensemble.hostPid).toBeDefined();
    expect(ensemble.hostPid).not.toBe(hostPid);
    const want = filesOf(reference);
    expect(Object.keys(want)).toEqual(['posterior_background.nii.gz', 'posterior_hippocampus_L.nii.gz', 'posterior_hippocampus_R.nii.gz', 'segmentation.nii.gz', 'uncertainty.nii.gz']);
    const got = filesOf(after);
    expect(Object.keys(got)).toEqual(Object.keys(want));
    for (const f of Object.keys(want)) expect(got[f]!.equals(want[f]!), f).toBe(true);
    expect(Array.from(r1.segmentationZYX)).toEqual(Array.from(r0.segmentationZYX));
  }, 300_000);

  it('an already aborted signal rejects at once and leaves the host running', async () => {
    const pid = ensemble.hostPid;
    const controller = new AbortController();
    controller.abort();
    await expect(ensemble.segmentScan(scan, path.join(work, 'never'), { signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(ensemble.hostPid).toBe(pid);
    expect(readdirSync(work)).not.toContain('never');
  });
});
