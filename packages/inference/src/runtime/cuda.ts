import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** Whether onnxruntime-node can use CUDA here, and if not, why. */
export interface CudaStatus {
  readonly available: boolean;
  /** Human-readable reason when unavailable; the provider library path when available. */
  readonly detail: string;
}

const PROVIDER_LIB = 'libonnxruntime_providers_cuda.so';

/**
 * Looks for onnxruntime-node's CUDA execution-provider library next to its native binding. The
 * npm package does not bundle it; it is installed on request (`--onnxruntime-node-install=cuda12`
 * or `ONNXRUNTIME_NODE_INSTALL=cuda12` at `npm install` time) and needs CUDA 12 and cuDNN 9.
 * Only Linux x64 builds carry CUDA.
 * @example
 * const s = cudaStatus(); if (!s.available) console.warn(s.detail);
 */
export function cudaStatus(): CudaStatus {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return { available: false, detail: `onnxruntime-node ships CUDA only for linux/x64; this is ${process.platform}/${process.arch}` };
  }
  const pkgDir = path.dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
  const binRoot = path.join(pkgDir, 'bin');
  const dirs = existsSync(binRoot)
    ? readdirSync(binRoot).filter((d) => d.startsWith('napi-v')).map((d) => path.join(binRoot, d, 'linux', 'x64'))
    : [];
  const found = dirs.map((d) => path.join(d, PROVIDER_LIB)).find((f) => existsSync(f));
  if (found) return { available: true, detail: found };
  return {
    available: false,
    detail: `${PROVIDER_LIB} not found in ${dirs.join(', ') || binRoot}: reinstall onnxruntime-node with ONNXRUNTIME_NODE_INSTALL=cuda12 `
      + `(needs CUDA 12 and cuDNN 9 on the library path), or use executionProvider 'cpu'`,
  };
}
