import { describe, expect, it } from 'vitest';
import { CUDA_LIBRARIES, cudaStatus, explainCudaFailure, findLibrary, isCudaFailure, parseLdCache, type LibrarySearch } from './cuda.js';

// onnxruntime-node 1.30's messages, as its CUDA provider threw them on a machine without a GPU
// (with a stand-in driver that has no device) and without its libraries.
const NO_DEVICE = '/onnxruntime_src/onnxruntime/core/providers/cuda/cuda_call.cc:154 std::conditional_t<THRW, void, onnxruntime::common::Status> '
  + 'onnxruntime::CudaCall(ERRTYPE, const char*, const char*, SUCCTYPE, const char*, const char*, int) [with ERRTYPE = cudaError; bool THRW = true; '
  + 'SUCCTYPE = cudaError; std::conditional_t<THRW, void, common::Status> = void] CUDA failure 100: no CUDA-capable device is detected ; GPU=-1 ; '
  + 'hostname=vm ; file=/onnxruntime_src/onnxruntime/core/providers/cuda/cuda_execution_provider.cc ; line=352 ; expr=cudaSetDevice(info_.device_id); \n\n';
const OLD_DRIVER = NO_DEVICE.replace('CUDA failure 100: no CUDA-capable device is detected', 'CUDA failure 35: CUDA driver version is insufficient for CUDA runtime version');
const NOT_LOADED = 'OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library';

describe('CUDA failures in one line', () => {
  it("turns onnxruntime's CUDA errors into one line naming the device and what failed", () => {
    expect(explainCudaFailure(NO_DEVICE, 0)).toBe('no CUDA-capable device is detected (no GPU, or the driver sees none) (CUDA error 100 in cudaSetDevice)');
    expect(explainCudaFailure(OLD_DRIVER, 1)).toBe(
      'CUDA driver version is insufficient for CUDA runtime version: the provider needs a driver for CUDA 13 (>= 580) (CUDA error 35 in cudaSetDevice)');
    expect(explainCudaFailure(NOT_LOADED, 0)).toMatch(/^onnxruntime could not load its CUDA provider .*install-cuda\.sh --check/);
    expect(explainCudaFailure('Failed to load library x.so with error: libcudnn.so.9: cannot open shared object file', 0)).toMatch(/cuDNN failed \(libcudnn\.so\.9\)/);
    for (const m of [NO_DEVICE, OLD_DRIVER, NOT_LOADED]) {
      expect(isCudaFailure(m)).toBe(true);
      expect(explainCudaFailure(m, 0)).not.toMatch(/\n|onnxruntime_src|std::/);
    }
    expect(isCudaFailure('Load model from /x.onnx failed: Protobuf parsing failed.')).toBe(false);
  });
});

describe('finding the libraries the provider loads by name', () => {
  const cache = parseLdCache([
    '1234 libs found in cache `/etc/ld.so.cache\'',
    '\tlibcuda.so.1 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libcuda.so.1',
    '\tlibcudnn.so.9 (libc6) => /usr/lib/i386-linux-gnu/libcudnn.so.9',
  ].join('\n'));

  it('reads the x86-64 entries of the ld.so cache', () => {
    expect([...cache]).toEqual(['libcuda.so.1']);
  });

  it('looks on LD_LIBRARY_PATH first, then the cache, then the default folders', () => {
    const search: LibrarySearch = { libraryPath: ['/a', '/b'], ldCache: cache, defaultDirs: ['/usr/lib'] };
    const files = new Set(['/b/libcudart.so.13', '/usr/lib/libcurand.so.10', '/a/libcuda.so.1']);
    const exists = (p: string) => files.has(p);
    expect(findLibrary('libcudart.so.13', search, exists)).toBe('/b');
    expect(findLibrary('libcuda.so.1', search, exists)).toBe('/a');
    expect(findLibrary('libcuda.so.1', { ...search, libraryPath: [] }, exists)).toBe('ld.so cache');
    expect(findLibrary('libcurand.so.10', search, exists)).toBe('/usr/lib');
    expect(findLibrary('libcublas.so.13', search, exists)).toBeUndefined();
  });

  it('says what is missing, one item per missing piece, with no library anywhere', () => {
    const status = cudaStatus({ libraryPath: [], ldCache: new Set(), defaultDirs: [] });
    expect(status.available).toBe(false);
    for (const lib of CUDA_LIBRARIES) expect(status.detail).toContain(`${lib.file} (${lib.what})`);
    expect(status.detail).toContain('this machine has no NVIDIA driver');
    expect(status.detail).toContain("run 'bash scripts/install-cuda.sh --cuda-libs'");
    expect(status.detail).not.toContain('\n');
    expect(status.missing.length).toBeGreaterThanOrEqual(CUDA_LIBRARIES.length);
  });
});
