/* A stand-in for the NVIDIA driver's libcuda.so.1 on a machine without a GPU (tests only):
   cuDriverGetVersion says CUDA 13.0, cuGetProcAddress hands out entry points, and every entry
   point answers CUDA_ERROR_NO_DEVICE (100), as a driver that sees no GPU does. Built by
   src/runtime/cuda-provider.spec.ts with `cc -shared -fPIC`. */
#include <string.h>
typedef int CUresult;
#define CUDA_ERROR_NO_DEVICE 100
static CUresult no_device(void) { return CUDA_ERROR_NO_DEVICE; }
CUresult cuDriverGetVersion(int *version) { if (version) *version = 13000; return 0; }
CUresult cuInit(unsigned int flags) { (void)flags; return CUDA_ERROR_NO_DEVICE; }
CUresult cuGetProcAddress_v2(const char *symbol, void **fn, int version, unsigned long long flags, int *status);
static void *entry_point(const char *symbol) {
  if (strcmp(symbol, "cuDriverGetVersion") == 0) return (void *)cuDriverGetVersion;
  if (strcmp(symbol, "cuGetProcAddress") == 0) return (void *)cuGetProcAddress_v2;
  if (strcmp(symbol, "cuInit") == 0) return (void *)cuInit;
  return (void *)no_device;
}
CUresult cuGetProcAddress_v2(const char *symbol, void **fn, int version, unsigned long long flags, int *status) {
  (void)version; (void)flags;
  if (status) *status = 1; /* CU_GET_PROC_ADDRESS_SUCCESS */
  if (fn) *fn = entry_point(symbol);
  return 0;
}
CUresult cuGetProcAddress(const char *symbol, void **fn, int version, unsigned long long flags) { return cuGetProcAddress_v2(symbol, fn, version, flags, 0); }
/* The one driver symbol the provider links directly. */
CUresult cuTensorMapEncodeTiled(void) { return CUDA_ERROR_NO_DEVICE; }
