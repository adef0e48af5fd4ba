// The CUDA provider from PyPI, installed for real by scripts/install-cuda.sh and loaded by
// onnxruntime-node as far as creating the CUDA execution provider (this machine has no GPU).
//
// It downloads about 730 MB (the onnxruntime-gpu wheel, 247 MB, and the CUDA 13 runtime, cuBLAS and
// cuRAND wheels its provider links), cached under .tools/cuda. Decision: it runs under CI=true
// (once per CI run, from a fresh cache) and wherever that cache is already there; elsewhere it is
// skipped with the command that enables it.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isCI, repoRoot } from '@seahorse/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { CUDA_PROVIDER_FILES, cudaStatus, librarySearchOf, onnxruntimeNodeBinding, PROVIDER_STAMP_FILE } from './cuda.js';
import { probeDevice } from './device-probe.js';
import { OnnxSessionHost } from './onnx-session-host.js';

/** The pinned sha256 of the two provider files of onnxruntime-gpu 1.30.0 (cp312, manylinux_2_28_x86_64). */
const PINNED: Record<string, { sha256: string; size: number }> = {
  'libonnxruntime_providers_cuda.so': { sha256: '35da2e7ed0dd0d1aec5cdb16ce11a51d06c0c48cf62d1b1c9332946a4fae14fc', size: 272_049_904 },
  'libonnxruntime_providers_shared.so': { sha256: '086ec1d5388f64153d9c63470d126693db9a182c8ce236d3a1119068471b8a0d', size: 14_632 },
};

const root = repoRoot();
const cacheDir = process.env.SEAHORSE_CUDA_CACHE ?? path.join(root, '.tools', 'cuda');
const cached = existsSync(path.join(cacheDir, 'onnxruntime-gpu-1.30.0', CUDA_PROVIDER_FILES[0]));
const runs = cached || isCI();
const title = 'the CUDA provider from PyPI (scripts/install-cuda.sh)';

function installer(...args: string[]): { status: number | null; output: string } {
  const r = spawnSync('bash', [path.join(root, 'scripts', 'install-cuda.sh'), ...args], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const DEMO_MEMBER = path.join(root, 'models', 'demo', 'members', '01-OTHER_RUNS_1.onnx');

describe.skipIf(!runs)(runs ? title : `${title} [skipped: no cache in ${cacheDir}; runs under CI=true or after 'bash scripts/install-cuda.sh --cuda-libs=load']`, () => {
  const stubs = mkdtempSync(path.join(os.tmpdir(), 'seahorse-cuda-stubs-'));
  const savedPath = process.env.LD_LIBRARY_PATH;
  afterAll(() => {
    if (savedPath === undefined) delete process.env.LD_LIBRARY_PATH; else process.env.LD_LIBRARY_PATH = savedPath;
    rmSync(stubs, { recursive: true, force: true });
  });

  it('fetches the real files, checks their sha256, places them next to the binding, and restores them after npm ci', async () => {
    const first = installer('--cuda-libs=load');
    expect(first.status, first.output).toBe(0);
    const binding = onnxruntimeNodeBinding()!;
    for (const [file, want] of Object.entries(PINNED)) {
      await expect(sha256Of(path.join(binding.dir, file))).resolves.toBe(want.sha256);
    }
    const stamp = JSON.parse(readFileSync(path.join(binding.dir, PROVIDER_STAMP_FILE), 'utf8')) as { onnxruntimeVersion: string; cudaVersion: string };
    expect(stamp).toMatchObject({ onnxruntimeVersion: binding.version, cudaVersion: '13.0' });
    const libraryPath = readFileSync(path.join(cacheDir, 'library-path'), 'utf8').trim();
    expect(libraryPath.split(':').some((d) => existsSync(path.join(d, 'libcublasLt.so.13')))).toBe(true);
    expect(first.output).toMatch(/still missing[^]*libcuda\.so\.1/); // no driver here, and it says so

    // npm ci wipes node_modules: running the installer again puts the files back from its cache.
    for (const file of Object.keys(PINNED)) rmSync(path.join(binding.dir, file));
    const again = installer();
    expect(again.status, again.output).toBe(0);
    expect(again.output).toContain('cached and verified');
    expect(again.output).toContain(`placed the provider in ${binding.dir}`);
    await expect(sha256Of(path.join(binding.dir, CUDA_PROVIDER_FILES[0]))).resolves.toBe(PINNED[CUDA_PROVIDER_FILES[0]]!.sha256);
    expect(installer('--check').status).toBe(0);
  }, 900_000);

  it('without a driver: cuda names libcuda.so.1 in one line', async () => {
    process.env.LD_LIBRARY_PATH = readFileSync(path.join(cacheDir, 'library-path'), 'utf8').trim();
    const search = librarySearchOf();
    if (search.ldCache.has('libcuda.so.1')) return; // a machine with a driver: nothing to assert here
    const err = await OnnxSessionHost.start([{ name: 'm', path: DEMO_MEMBER }], { device: 'cuda' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CUDA_UNAVAILABLE', message: expect.stringMatching(/^device cuda:0: not on LD_LIBRARY_PATH or in the ld\.so cache: libcuda\.so\.1 \(the NVIDIA driver\)[^;]*; this machine has no NVIDIA driver \(one for CUDA 13, >= 580, is needed\)/) });
    expect((err as Error).message).not.toContain('\n');
  }, 60_000);

  it('loads the provider as far as creating the CUDA execution provider: no GPU is one clear line', async () => {
    const cc = spawnSync('cc', ['-shared', '-fPIC', '-o', path.join(stubs, 'libcuda.so.1'), path.join(root, 'packages', 'inference', 'test-fixtures', 'libcuda-no-device.c')], { encoding: 'utf8' });
    expect(cc.status, `a C compiler (cc) builds the stand-in driver: ${cc.stderr}`).toBe(0);
    // cuDNN is loaded only when a convolution runs; a stand-in file lets the check reach the provider.
    writeFileSync(path.join(stubs, 'empty.c'), 'int seahorse_no_cudnn;\n');
    expect(spawnSync('cc', ['-shared', '-fPIC', '-o', path.join(stubs, 'libcudnn.so.9'), path.join(stubs, 'empty.c')]).status).toBe(0);
    process.env.LD_LIBRARY_PATH = `${readFileSync(path.join(cacheDir, 'library-path'), 'utf8').trim()}:${stubs}`;
    expect(cudaStatus().missing).toEqual([]);

    // The session host (a child process) starts with this LD_LIBRARY_PATH, loads the provider and
    // its CUDA libraries, and the provider fails in cudaSetDevice: there is no GPU.
    const err = await OnnxSessionHost.start([{ name: 'm', path: DEMO_MEMBER }], { device: 'cuda' }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'CUDA_UNAVAILABLE',
      message: 'device cuda:0: no CUDA-capable device is detected (no GPU, or the driver sees none) (CUDA error 100 in cudaSetDevice)',
    });
    // auto: the same failure, then the CPU, with a notice that says why.
    const notices: string[] = [];
    const probe = await probeDevice('auto', (l) => notices.push(l));
    expect(probe.device).toBe('cpu');
    expect(notices).toEqual(['device auto: CUDA is not usable, using the CPU (no CUDA-capable device is detected (no GPU, or the driver sees none) (CUDA error 100 in cudaSetDevice))']);
  }, 120_000);
});
