"""Benchmark reference for @seahorse/inference: the same ONNX network run by onnxruntime (Python) with
the same thread count. A STAND-IN for PyTorch CPU (torch is not installed in .venv).

usage: inference_runtime_bench.py MODEL.onnx THREADS patch REPS
       inference_runtime_bench.py MODEL.onnx THREADS scan [Z,Y,X]
       inference_runtime_bench.py MODEL.onnx THREADS profile TRACE_DIR
'patch': REPS runs on one seeded 128x176x176 patch; 'scan': InnerEye tiling (pad to 16, patch
(128,176,176), last patch shifted, overwrite) over the benchmark's synthetic 176x256x256 volume
(or Z,Y,X); 'profile': one patch with onnxruntime's per-node profiler, its trace in TRACE_DIR.
Prints {"seconds": [...], "peak_rss_bytes": ..., "version": onnxruntime's, "trace"?: file}.
"""
import json
import os
import resource
import sys
import time

import numpy as np
import onnxruntime as ort


def synthetic_volume(z: int, y: int, x: int) -> np.ndarray:
    # must match packages/inference/bench/inference-runtime-child.ts syntheticVolumeZYX
    zz, yy, xx = np.meshgrid(np.arange(z), np.arange(y), np.arange(x), indexing="ij")
    return (np.sin(xx / 9.0) * np.cos(yy / 11.0) * 0.6 + np.sin(zz / 13.0) * 0.4).astype(np.float32)


def main() -> None:
    model, threads, kind = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.enable_cpu_mem_arena = False
    extra = {}
    if kind == "profile":
        opts.enable_profiling = True
        opts.profile_file_prefix = os.path.join(sys.argv[4], "python")
    sess = ort.InferenceSession(model, opts, providers=["CPUExecutionProvider"])
    name = sess.get_inputs()[0].name
    seconds = []
    if kind in ("patch", "profile"):
        patch = synthetic_volume(128, 176, 176)[None, None]
        for _ in range(int(sys.argv[4]) if kind == "patch" else 1):
            t = time.perf_counter()
            sess.run(None, {name: patch})
            seconds.append(time.perf_counter() - t)
        if kind == "profile":
            extra["trace"] = sess.end_profiling()
    else:
        zyx = [int(v) for v in sys.argv[4].split(",")] if len(sys.argv) > 4 else [176, 256, 256]
        vol = synthetic_volume(*zyx)
        t = time.perf_counter()
        size = vol.shape
        p = [min(a, b) for a, b in zip((128, 176, 176), size)]
        starts = []
        for s, q in zip(size, p):
            d = list(range(0, s - q + 1, q))
            if d[-1] != s - q:
                d.append(s - q)
            starts.append(d)
        out = None
        for z0 in starts[0]:
            for y0 in starts[1]:
                for x0 in starts[2]:
                    block = np.ascontiguousarray(vol[z0:z0 + p[0], y0:y0 + p[1], x0:x0 + p[2]])[None, None]
                    post = sess.run(None, {name: block})[0][0]
                    if out is None:
                        out = np.zeros((post.shape[0],) + size, np.float32)
                    out[:, z0:z0 + p[0], y0:y0 + p[1], x0:x0 + p[2]] = post
        np.argmax(out, axis=0)
        seconds.append(time.perf_counter() - t)
    print(json.dumps({"seconds": seconds, "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                      "version": ort.__version__, **extra}))


if __name__ == "__main__":
    main()
