import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { z } from 'zod';

/** Whether onnxruntime-node can use CUDA here, and if not, why. */
export interface CudaStatus {
  readonly available: boolean;
  /** One line: what is missing and how to get it when unavailable; the provider library path when available. */
  readonly detail: string;
  /** Each missing piece, one line each (empty when available). */
  readonly missing: readonly string[];
}

/** The provider files onnxruntime-node loads from the folder of its binding. */
export const CUDA_PROVIDER_FILES = ['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so'] as const;

/** What `scripts/install-cuda.sh` writes next to the provider: which onnxruntime-gpu it came from. */
export const PROVIDER_STAMP_FILE = 'seahorse-cuda-provider.json';

/**
 * The libraries the CUDA provider of onnxruntime-gpu 1.30 (built for CUDA 13.0) needs: at load time
 * (its ELF NEEDED entries) and, for cuDNN, at run time (loaded by name). cuFFT is loaded only by FFT
 * operators, which the UNets do not have, so it is not required.
 */
export const CUDA_LIBRARIES = [
  { file: 'libcuda.so.1', what: 'the NVIDIA driver' },
  { file: 'libcudart.so.13', what: 'CUDA 13 runtime' },
  { file: 'libcublas.so.13', what: 'CUDA 13 cuBLAS' },
  { file: 'libcublasLt.so.13', what: 'CUDA 13 cuBLASLt' },
  { file: 'libcurand.so.10', what: 'CUDA 13 cuRAND' },
  { file: 'libcudnn.so.9', what: 'cuDNN 9 for CUDA 13' },
] as const;

const ProviderStamp = z.object({
  onnxruntimeVersion: z.string(),
  files: z.record(z.string(), z.object({ sha256: z.string(), size: z.number().int() })),
});

/** Where the dynamic loader looks for a library by name: LD_LIBRARY_PATH, then the ld.so cache, then the default folders. */
export interface LibrarySearch {
  /** The folders of LD_LIBRARY_PATH, in order. */
  readonly libraryPath: readonly string[];
  /** File names in the ld.so cache (`ldconfig -p`), x86-64 entries. */
  readonly ldCache: ReadonlySet<string>;
  /** The loader's default folders. */
  readonly defaultDirs: readonly string[];
}

/** The search of this process (LD_LIBRARY_PATH as it is now; the ld.so cache read once). */
export function librarySearchOf(env: NodeJS.ProcessEnv = process.env): LibrarySearch {
  return {
    libraryPath: (env.LD_LIBRARY_PATH ?? '').split(':').filter((d) => d.length > 0),
    ldCache: ldCacheNames(),
    defaultDirs: ['/lib/x86_64-linux-gnu', '/usr/lib/x86_64-linux-gnu', '/lib64', '/usr/lib64', '/lib', '/usr/lib'],
  };
}

let cachedLdCache: ReadonlySet<string> | undefined;
function ldCacheNames(): ReadonlySet<string> {
  if (cachedLdCache) return cachedLdCache;
  let text = '';
  for (const bin of ['/sbin/ldconfig', '/usr/sbin/ldconfig', 'ldconfig']) {
    try { text = execFileSync(bin, ['-p'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }); break; } catch { /* next */ }
  }
  cachedLdCache = parseLdCache(text);
  return cachedLdCache;
}

/**
 * The x86-64 library names in `ldconfig -p`'s output (lines like
 * `libcuda.so.1 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libcuda.so.1`).
 */
export function parseLdCache(text: string): ReadonlySet<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^\s*(\S+)\s+\(([^)]*)\)\s+=>/.exec(line);
    if (m && m[2]!.includes('x86-64')) names.add(m[1]!);
  }
  return names;
}

/**
 * Where the loader would find `file`: the folder from LD_LIBRARY_PATH or the default folders, `'ld.so cache'`,
 * or `undefined` when it would not find it.
 */
export function findLibrary(file: string, search: LibrarySearch, exists: (p: string) => boolean = existsSync): string | undefined {
  const inPath = search.libraryPath.find((d) => exists(path.join(d, file)));
  if (inPath) return inPath;
  if (search.ldCache.has(file)) return 'ld.so cache';
  return search.defaultDirs.find((d) => exists(path.join(d, file)));
}

/** The folder of onnxruntime-node's binding (where it loads providers from) and its version. */
export function onnxruntimeNodeBinding(): { dir: string; version: string } | undefined {
  const pkgFile = createRequire(import.meta.url).resolve('onnxruntime-node/package.json');
  const version = String((JSON.parse(readFileSync(pkgFile, 'utf8')) as { version?: unknown }).version ?? '');
  const binRoot = path.join(path.dirname(pkgFile), 'bin');
  const dir = existsSync(binRoot)
    ? readdirSync(binRoot).filter((d) => d.startsWith('napi-v')).map((d) => path.join(binRoot, d, 'linux', 'x64'))
      .find((d) => existsSync(path.join(d, 'onnxruntime_binding.node')))
    : undefined;
  return dir ? { dir, version } : undefined;
}

/** The provider's problems: files missing, or not the ones `scripts/install-cuda.sh` placed for this onnxruntime-node. */
function providerProblems(binding: { dir: string; version: string }): string[] {
  const install = "run 'bash scripts/install-cuda.sh' (again after npm ci)";
  const absent = CUDA_PROVIDER_FILES.filter((f) => !existsSync(path.join(binding.dir, f)));
  if (absent.length > 0) return [`the CUDA provider (${absent.join(', ')}) is not installed in ${binding.dir}: ${install}`];
  const stampFile = path.join(binding.dir, PROVIDER_STAMP_FILE);
  if (!existsSync(stampFile)) return [`the CUDA provider in ${binding.dir} was not placed by scripts/install-cuda.sh, so its version is unknown: ${install}`];
  const stamp = ProviderStamp.safeParse(JSON.parse(readFileSync(stampFile, 'utf8')));
  if (!stamp.success) return [`${stampFile} is not valid: ${install}`];
  if (stamp.data.onnxruntimeVersion !== binding.version) {
    return [`version mismatch: the CUDA provider is onnxruntime-gpu ${stamp.data.onnxruntimeVersion}'s, onnxruntime-node is ${binding.version}: ${install}`];
  }
  for (const f of CUDA_PROVIDER_FILES) {
    const want = stamp.data.files[f];
    if (want && statSync(path.join(binding.dir, f)).size !== want.size) return [`${f} in ${binding.dir} changed since it was installed: ${install}`];
  }
  return [];
}

/**
 * Whether onnxruntime-node can use its CUDA provider here, checked without loading it: Linux x64;
 * the provider files next to the binding, placed by `scripts/install-cuda.sh` for this
 * onnxruntime-node version (onnxruntime-gpu 1.30 from PyPI, built for CUDA 13.0: the npm package
 * does not bundle it); the NVIDIA driver, CUDA 13 (cudart, cuBLAS, cuBLASLt, cuRAND) and cuDNN 9
 * where the loader finds them. The provider has no RUNPATH: its libraries must be on
 * LD_LIBRARY_PATH before Node starts (the `seahorse` launcher sets it).
 * Whether a GPU is there is only known when the provider starts (see `explainCudaFailure`).
 * @example
 * const s = cudaStatus(); if (!s.available) console.warn(s.detail);
 */
export function cudaStatus(search: LibrarySearch = librarySearchOf()): CudaStatus {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    const only = `onnxruntime-node's CUDA provider exists only for linux/x64; this is ${process.platform}/${process.arch}`;
    return { available: false, detail: only, missing: [only] };
  }
  const binding = onnxruntimeNodeBinding();
  const missing: string[] = binding ? providerProblems(binding) : ['onnxruntime-node has no linux/x64 binding: reinstall it (npm ci)'];
  const libs = CUDA_LIBRARIES.filter((lib) => !findLibrary(lib.file, search));
  missing.push(...libs.map((lib) => `${lib.file} (${lib.what})`));
  const problems = missing.slice(0, missing.length - libs.length);
  if (libs.length > 0) {
    const noDriver = libs.some((lib) => lib.file === 'libcuda.so.1');
    const cuda = libs.length > (noDriver ? 1 : 0);
    problems.push(`not on LD_LIBRARY_PATH or in the ld.so cache: ${libs.map((lib) => `${lib.file} (${lib.what})`).join(', ')}`
      + (noDriver ? '; this machine has no NVIDIA driver (one for CUDA 13, >= 580, is needed)' : '')
      + (cuda ? "; run 'bash scripts/install-cuda.sh --cuda-libs' and start through ./seahorse, which sets LD_LIBRARY_PATH" : ''));
  }
  if (missing.length > 0) return { available: false, detail: problems.join('; '), missing };
  return { available: true, detail: path.join(binding!.dir, CUDA_PROVIDER_FILES[0]), missing: [] };
}

/**
 * One line for onnxruntime's message when the CUDA provider fails to start or run, e.g. its
 * `CUDA failure 100: no CUDA-capable device is detected ; GPU=-1 ; … expr=cudaSetDevice(…)` becomes
 * `no CUDA-capable device is detected (no GPU, or the driver sees none) (CUDA error 100 in cudaSetDevice)`
 * (callers put the device in front).
 */
export function explainCudaFailure(message: string, deviceId: number): string {
  const failure = /CUDA failure (\d+):\s*([^;]+?)\s*;(?:.*?expr=([A-Za-z_]\w*))?/s.exec(message);
  if (failure) {
    const [, code, text, call] = failure;
    const hint = code === '35' ? ': the provider needs a driver for CUDA 13 (>= 580)'
      : code === '100' ? ' (no GPU, or the driver sees none)'
        : code === '101' ? `: there is no GPU ${deviceId} (nvidia-smi -L lists them)` : '';
    return `${text}${hint} (CUDA error ${code}${call ? ` in ${call}` : ''})`;
  }
  const cudnn = /(CUDNN_STATUS_\w+|libcudnn\w*\.so[.\d]*)/i.exec(message);
  if (cudnn) return `cuDNN failed (${cudnn[1]}): install cuDNN 9 for CUDA 13 (bash scripts/install-cuda.sh --cuda-libs)`;
  const cannotOpen = /([\w.+-]+\.so[.\d]*): cannot open shared object file/.exec(message);
  if (cannotOpen) return `${cannotOpen[1]} cannot be loaded: bash scripts/install-cuda.sh --check says what is missing`;
  if (/Failed to load (shared )?library/i.test(message)) {
    return `onnxruntime could not load its CUDA provider or a library it needs: bash scripts/install-cuda.sh --check says what is missing`;
  }
  const first = message.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? 'unknown error';
  return `${first.length > 300 ? `${first.slice(0, 300)}…` : first}`;
}

/** Whether onnxruntime's message is about the CUDA provider or CUDA itself (rather than the model). */
export function isCudaFailure(message: string): boolean {
  return /CUDA failure|CUDNN_STATUS|cudnn|cublas|libcuda|OrtSessionOptionsAppendExecutionProvider_Cuda|providers_cuda|Failed to load (shared )?library/i.test(message);
}
