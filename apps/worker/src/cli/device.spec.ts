// The device switch from the command line, on a machine without a usable GPU: `cuda` stops with
// exit code 3 and one line naming what is missing (never onnxruntime's own log or stack trace),
// `auto` falls back to the CPU with a notice, a bad word is a usage error.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cudaStatus, DEVICE_PATTERN, onnxruntimeNodeBinding, parseDevice, PROVIDER_STAMP_FILE } from '@seahorse/inference';
import { isCI, repoRoot, sharedDataMissing, sharedPath } from '@seahorse/testkit';
import { DeviceWord } from '@seahorse/workflows';
import { afterAll, describe, expect, it } from 'vitest';

const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'cli.ts');
const root = repoRoot();
const model = path.join(root, 'models', 'demo');
const dir = mkdtempSync(path.join(tmpdir(), 'seahorse-cli-device-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function seahorse(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderrLines: string[] } {
  const r = spawnSync(process.execPath, ['--conditions=@seahorse/source', '--import', 'tsx', cli, ...args], {
    cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 180_000,
  });
  return { status: r.status, stdout: r.stdout, stderrLines: r.stderr.split('\n').filter((l) => l.trim().length > 0) };
}

const noGpu = !cudaStatus().available;
const scan = 'data/msd-hippocampus/imagesTr/hippocampus_003.nii.gz';

describe('one device vocabulary', () => {
  it("the run spec's device words are the runtime's", () => {
    for (const word of ['cpu', 'auto', 'auto:1', 'cuda', 'cuda:0', 'cuda:15', 'cpu:0', 'gpu', 'cuda:', 'cuda:123', 'CUDA', '']) {
      const runtime = DEVICE_PATTERN.test(word) && (() => { try { parseDevice(word); return true; } catch { return false; } })();
      expect(DeviceWord.safeParse(word).success, word).toBe(runtime);
    }
  });
});

describe.skipIf(!noGpu)(noGpu ? 'the device switch without a usable GPU' : 'the device switch without a usable GPU [skipped: this machine has one]', () => {
  it('segment --device cuda exits with code 3 and one line naming what is missing', () => {
    const r = seahorse(['segment', path.join(root, 'README.md'), '--model', model, '--out', path.join(dir, 'cuda'), '--device', 'cuda']);
    expect(r.status).toBe(3);
    expect(r.stderrLines).toHaveLength(1);
    expect(r.stderrLines[0]).toMatch(/^seahorse: error: device cuda:0: .*(libonnxruntime_providers_cuda\.so|libcuda\.so\.1|lib\w+\.so\.\d+)/);
    expect(r.stderrLines[0]).not.toMatch(/onnxruntime_src|std::|\s+at /);
    expect(existsSync(path.join(dir, 'cuda'))).toBe(false);
  }, 200_000);

  it('worker --device cuda:1 stops before it takes any task: exit code 3, one line', () => {
    const r = seahorse(['worker', '--address', '127.0.0.1:1', '--device', 'cuda:1']);
    expect(r.status).toBe(3);
    expect(r.stderrLines).toHaveLength(1);
    expect(r.stderrLines[0]).toMatch(/^seahorse: error: device cuda:1: /);
  }, 200_000);

  it('a device word that is none is a usage error (exit code 2)', () => {
    const r = seahorse(['segment', path.join(root, 'README.md'), '--model', model, '--out', path.join(dir, 'bad'), '--device', 'gpu']);
    expect(r.status).toBe(2);
    expect(r.stderrLines).toEqual(['seahorse: error: --device: expected cpu, auto[:N] or cuda[:N]']);
  }, 200_000);

  const missing = sharedDataMissing(scan);
  it.skipIf(missing !== undefined)(`segment --device auto falls back to the CPU with a notice${missing ? ` [skipped: ${missing}]` : ''}`, () => {
    const out = path.join(dir, 'auto');
    const r = seahorse(['segment', sharedPath(scan), '--model', model, '--out', out, '--device', 'auto', '--threads', '1']);
    expect(r.status, r.stderrLines.join('\n')).toBe(0);
    expect(r.stderrLines).toHaveLength(1);
    expect(r.stderrLines[0]).toMatch(/^seahorse: device auto: CUDA is not usable, using the CPU \(.+\)$/);
    expect(r.stdout).toMatch(/1 pass\(es\) per member, on cpu\)/);
    expect(existsSync(path.join(out, 'segmentation.nii.gz'))).toBe(true);
  }, 200_000);

  // With the real provider and CUDA libraries (scripts/install-cuda.sh) and a stand-in driver that
  // sees no GPU, the provider itself starts and fails in cudaSetDevice: still one line, and
  // onnxruntime's own error log stays out of the terminal.
  const binding = onnxruntimeNodeBinding();
  const libraryPathFile = path.join(process.env.SEAHORSE_CUDA_CACHE ?? path.join(root, '.tools', 'cuda'), 'library-path');
  const installed = binding !== undefined && existsSync(path.join(binding.dir, PROVIDER_STAMP_FILE)) && existsSync(libraryPathFile);
  const why = installed ? '' : ` [skipped: the CUDA provider is not installed; ${isCI() ? 'packages/inference installs it under CI' : "run 'bash scripts/install-cuda.sh --cuda-libs=load'"}]`;
  it.skipIf(!installed)(`with the provider installed and no GPU: the provider starts, fails in cudaSetDevice, one line${why}`, () => {
    const stubs = mkdtempSync(path.join(dir, 'stubs-'));
    const c = path.join(root, 'packages', 'inference', 'test-fixtures', 'libcuda-no-device.c');
    expect(spawnSync('cc', ['-shared', '-fPIC', '-o', path.join(stubs, 'libcuda.so.1'), c]).status).toBe(0);
    writeFileSync(path.join(stubs, 'empty.c'), 'int seahorse_no_cudnn;\n');
    expect(spawnSync('cc', ['-shared', '-fPIC', '-o', path.join(stubs, 'libcudnn.so.9'), path.join(stubs, 'empty.c')]).status).toBe(0);
    const env = { LD_LIBRARY_PATH: `${readFileSync(libraryPathFile, 'utf8').trim()}:${stubs}` };
    const r = seahorse(['segment', path.join(root, 'README.md'), '--model', model, '--out', path.join(dir, 'stub'), '--device', 'cuda'], env);
    expect(r.status).toBe(3);
    expect(r.stderrLines).toEqual(['seahorse: error: device cuda:0: no CUDA-capable device is detected (no GPU, or the driver sees none) (CUDA error 100 in cudaSetDevice)']);
  }, 200_000);
});
