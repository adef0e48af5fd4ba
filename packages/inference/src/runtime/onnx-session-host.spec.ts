import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNpy, repoRoot, runPythonReference } from '@seahorse/testkit';
import type { ShapeZYX } from '@seahorse/io';
import { planTiling } from '../tiling/plan.js';
import { slidingWindowInference } from '../tiling/sliding-window.js';
import { cudaStatus } from './cuda.js';
import { OnnxSessionHost } from './onnx-session-host.js';
import { isRunning, threadCount, waitUntilGone } from './process-state.test-helpers.js';
import { resolveRuntimeOptions } from './runtime-options.js';
import { writeContextNetwork } from './tiny-onnx.test-helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'seahorse-runtime-'));
const model = path.join(dir, 'context.onnx');
const logitsModel = path.join(dir, 'context-logits.onnx');
let host: OnnxSessionHost;

beforeAll(async () => {
  writeContextNetwork(model);
  writeContextNetwork(logitsModel, { logits: true });
  host = await OnnxSessionHost.start([{ name: 'context', path: model }], { intraOpThreads: 1 });
});
afterAll(async () => { await host?.close(); });

interface TilingReference { input: string; posteriors: string; windows: number[][] }

async function innereyeAgainstPython(shape: ShapeZYX, patch: ShapeZYX, seed: number) {
  const out = mkdtempSync(path.join(dir, 'ref-'));
  const ref = await runPythonReference<TilingReference>('inference_runtime_tiling.py',
    [model, out, ...shape.map(String), ...patch.map(String), '16', String(seed)]);
  const input = readNpy(ref.input).data as Float32Array;
  const expected = readNpy(ref.posteriors).data as Float32Array;
  const plan = planTiling(shape, { mode: 'innereye', patchZYX: [...patch] });
  const got = await slidingWindowInference(input, 1, 3, plan, (p, s) => host.run(0, p, 1, s));
  let maxDiff = 0;
  for (let i = 0; i < got.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i]! - expected[i]!));
  return { plan, ref, input, got, maxDiff };
}

describe('innereye tiling on a context- and position-dependent ONNX network, against the Python reference', () => {
  it('default crop (128, 176, 176): two z patches, the second shifted to end at the border', async () => {
    const { plan, ref, input, got, maxDiff } = await innereyeAgainstPython([140, 30, 20], [128, 176, 176], 7);
    expect(ref.windows).toEqual([[0, 0, 0], [16, 0, 0]]);
    expect(plan.windows.map((w) => [...w.startZYX])).toEqual(ref.windows);
    expect(maxDiff).toBeLessThan(1e-6);
    // The network really depends on where the patch was cut: one whole pass gives other posteriors.
    const whole = await slidingWindowInference(input, 1, 3, planTiling([140, 30, 20], { mode: 'whole' }), (p, s) => host.run(0, p, 1, s));
    let diff = 0;
    for (let i = 0; i < got.length; i++) diff = Math.max(diff, Math.abs(got[i]! - whole[i]!));
    expect(diff).toBeGreaterThan(1e-2);
  });

  it('small patches: shifted last patches on every axis, lexicographic overwrite order', async () => {
    const { plan, ref, maxDiff } = await innereyeAgainstPython([37, 21, 50], [16, 16, 32], 11);
    expect(plan.windows.map((w) => [...w.startZYX])).toEqual(ref.windows);
    expect(plan.windows.length).toBe(3 * 2 * 2);
    expect(maxDiff).toBeLessThan(1e-6);
  });
});

describe('OnnxSessionHost', () => {
  it('reports the model inputs and outputs', () => {
    expect(host.members[0]!.inputs[0]).toEqual({ name: 'input', shape: [1, 1, 'z', 'y', 'x'], type: 'float32' });
    expect(host.members[0]!.outputs[0]!.name).toBe('posteriors');
  });

  it("applies softmax itself for outputKind 'logits', matching the in-graph softmax", async () => {
    const w = await OnnxSessionHost.start([{ name: 'logits', path: logitsModel }], { intraOpThreads: 1, outputKind: 'logits' });
    try {
      const x = Float32Array.from({ length: 6 * 7 * 8 }, (_, i) => Math.cos(i));
      const a = await host.run(0, x, 1, [6, 7, 8]);
      const b = await w.run(0, x, 1, [6, 7, 8]);
      let d = 0;
      for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
      expect(d).toBeLessThan(1e-6);
    } finally { await w.close(); }
  });

  it('keeps the event loop free while a session runs', async () => {
    let ticks = 0;
    const timer = setInterval(() => { ticks++; }, 1);
    const x = new Float32Array(96 * 96 * 96).fill(0.5);
    const started = Date.now();
    await host.run(0, x, 1, [96, 96, 96]);
    const elapsed = Date.now() - started;
    clearInterval(timer);
    // While the host computed, the main thread kept running timers (not a timing assertion:
    // it only checks that timers fired at all during the run, which a blocked loop cannot do).
    expect(elapsed).toBeGreaterThan(0);
    expect(ticks).toBeGreaterThan(0);
  });

  it('runs requests one at a time and returns each its own result', async () => {
    const a = Float32Array.from({ length: 8 * 8 * 8 }, (_, i) => i / 512);
    const b = Float32Array.from({ length: 8 * 8 * 8 }, (_, i) => 1 - i / 512);
    const [ra, rb, ra2] = await Promise.all([host.run(0, a, 1, [8, 8, 8]), host.run(0, b, 1, [8, 8, 8]), host.run(0, a, 1, [8, 8, 8])]);
    expect(Array.from(ra!)).toEqual(Array.from(ra2!));
    expect(Array.from(ra!)).not.toEqual(Array.from(rb!));
  });

  it('fails with typed errors: bad file, bad input, unknown options, CUDA missing', async () => {
    const bad = path.join(dir, 'not-a-model.onnx');
    writeFileSync(bad, 'hello');
    await expect(OnnxSessionHost.start([{ name: 'bad', path: bad }])).rejects.toMatchObject({
      code: 'SESSION_FAILED', message: expect.stringContaining('not-a-model.onnx'),
    });
    await expect(host.run(0, new Float32Array(10), 1, [2, 2, 2])).rejects.toMatchObject({ code: 'INVALID_SHAPE' });
    await expect(host.run(0, new Float32Array(2 * 8), 2, [2, 2, 2])).rejects.toMatchObject({
      code: 'WORKER_FAILED', message: expect.stringContaining('member context'),
    });
    expect(() => resolveRuntimeOptions({ intraOpThreads: 0 })).toThrow(/runtime option 'intraOpThreads'.*got 0/);
    if (!cudaStatus().available) {
      // Without the provider, its libraries or the driver: one line that starts with the device and names what is missing.
      const err = await OnnxSessionHost.start([{ name: 'm', path: model }], { device: 'cuda' }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'CUDA_UNAVAILABLE', message: expect.stringMatching(/^device cuda:0: .*(libonnxruntime_providers_cuda\.so|lib\w+\.so\.\d+)/) });
      expect((err as Error).message).not.toContain('\n');
    }
    // the host still serves after a failed run
    const ok = await host.run(0, new Float32Array(8), 1, [2, 2, 2]);
    expect(ok.length).toBe(24);
  });
});

/** A member of the committed demo ensemble: 128³ at one thread is a pass of several seconds. */
const DEMO_MEMBER = path.join(repoRoot(), 'models', 'demo', 'members', '01-OTHER_RUNS_1.onnx');

describe('the session host process', () => {
  it('applies intraOpThreads: the options it reports, and one more OS thread per extra intra-op thread', async () => {
    const counts: Record<number, number | undefined> = {};
    for (const intraOpThreads of [1, 3]) {
      const h = await OnnxSessionHost.start([{ name: 'context', path: model }], { intraOpThreads });
      try {
        expect(h.options.intraOpThreads).toBe(intraOpThreads);
        expect(h.sessionOptions).toMatchObject({ intraOpNumThreads: intraOpThreads, interOpNumThreads: 1, executionMode: 'sequential', enableCpuMemArena: false });
        await h.run(0, new Float32Array(8 * 8 * 8), 1, [8, 8, 8]);
        counts[intraOpThreads] = threadCount(h.pid!);
      } finally { await h.close(); }
    }
    // onnxruntime's intra-op pool has intraOpThreads − 1 threads of its own (the caller is the
    // last), so 3 threads instead of 1 is two more OS threads in the host, nothing else changing.
    if (counts[1] !== undefined) expect(counts[3]! - counts[1]).toBe(2);
  });

  it('is a process of its own, gone once closed; a closed host refuses work', async () => {
    const h = await OnnxSessionHost.start([{ name: 'context', path: model }], { intraOpThreads: 1 });
    const pid = h.pid!;
    expect(pid).not.toBe(process.pid);
    expect(isRunning(pid)).toBe(true);
    await h.close();
    expect(h.pid).toBeUndefined();
    expect(isRunning(pid)).toBe(false);
    await expect(h.run(0, new Float32Array(8), 1, [2, 2, 2])).rejects.toMatchObject({ code: 'WORKER_CLOSED' });
    await h.close(); // twice is fine
  });

  it('cancel() stops a running pass at once: the run rejects with CANCELLED and the process is gone', async () => {
    const h = await OnnxSessionHost.start([{ name: 'demo', path: DEMO_MEMBER }], { intraOpThreads: 1 });
    const pid = h.pid!;
    const run = h.run(0, new Float32Array(128 * 128 * 128).fill(0.5), 1, [128, 128, 128]);
    const outcome = run.then(() => 'finished', (e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const started = performance.now();
    await h.cancel('test');
    const err = await outcome;
    const ms = performance.now() - started;
    console.log(`OnnxSessionHost.cancel during a 128³ pass: the run rejected ${ms.toFixed(0)} ms after cancel()`);
    expect(err).toMatchObject({ code: 'CANCELLED' });
    expect(ms).toBeLessThan(1_000);
    expect(isRunning(pid)).toBe(false);
    expect(h.alive).toBe(false);
    await expect(h.run(0, new Float32Array(8), 1, [2, 2, 2])).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  /** Runs `host-parent.test-helpers.ts` as a separate parent process; resolves with it and its host's pid. */
  async function parentWithHost(mode: 'idle' | 'busy') {
    const program = path.join(path.dirname(fileURLToPath(import.meta.url)), 'host-parent.test-helpers.ts');
    const tsx = createRequire(import.meta.url).resolve('tsx');
    const parent = spawn(process.execPath, ['--import', tsx, program, DEMO_MEMBER, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
    const hostPid = await new Promise<number>((resolve, reject) => {
      let out = '';
      parent.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve((JSON.parse(line) as { hostPid: number }).hostPid);
      });
      parent.on('exit', (code) => reject(new Error(`the parent exited (code ${code}) before printing its host's pid`)));
    });
    return { parent, hostPid };
  }

  it('exits when its parent goes away (IPC disconnect), even when the parent is killed outright', async () => {
    const { parent, hostPid } = await parentWithHost('idle');
    expect(isRunning(hostPid)).toBe(true);
    parent.kill('SIGKILL'); // no exit handler runs: only the closed IPC channel tells the host
    const ms = await waitUntilGone(hostPid, 5_000);
    console.log(`session host gone ${ms} ms after its parent was killed`);
  });

  it('is killed when its parent exits while a pass is running', async () => {
    const { parent, hostPid } = await parentWithHost('busy');
    const exited = new Promise((resolve) => parent.on('exit', resolve));
    await exited; // the parent exits 1.5 s into a pass of several seconds
    await waitUntilGone(hostPid, 1_000);
  });
});
