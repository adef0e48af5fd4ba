"""PyTorch CPU reference for `npm run bench -- inference`: InnerEye's UNet3D (the training tool's
module, the same blocks and state_dict layout) loaded strictly from the shared full-size checkpoint,
one forward pass + softmax on the benchmark's synthetic 128x176x176 patch, with a given thread count.
Runs with tools/train/.venv's python (Debian's python3-torch), not the reference .venv.

usage: inference_pytorch_bench.py CHECKPOINT THREADS REPS [Z,Y,X]
With Z,Y,X: one 'scan' instead, InnerEye tiling (patch 128x176x176, last patch shifted, overwrite;
as inference_runtime_bench.py) over the synthetic volume of that size.
Prints {"seconds": [...], "peak_rss_bytes": ..., "torch": version}.
"""
import json
import os
import resource
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "train"))
from seahorse_train.unet3d import UNet3D  # noqa: E402


def synthetic_volume(z: int, y: int, x: int) -> np.ndarray:
    # must match packages/inference/bench/inference-runtime-child.ts syntheticVolumeZYX
    zz, yy, xx = np.meshgrid(np.arange(z), np.arange(y), np.arange(x), indexing="ij")
    return (np.sin(xx / 9.0) * np.cos(yy / 11.0) * 0.6 + np.sin(zz / 13.0) * 0.4).astype(np.float32)


def scan(net: torch.nn.Module, size: list) -> float:
    vol = synthetic_volume(*size)
    t = time.perf_counter()
    p = [min(a, b) for a, b in zip((128, 176, 176), size)]
    starts = []
    for s, q in zip(size, p):
        d = list(range(0, s - q + 1, q))
        if d[-1] != s - q:
            d.append(s - q)
        starts.append(d)
    out = np.zeros((3,) + tuple(size), np.float32)
    with torch.no_grad():
        for z0 in starts[0]:
            for y0 in starts[1]:
                for x0 in starts[2]:
                    block = torch.from_numpy(np.ascontiguousarray(vol[z0:z0 + p[0], y0:y0 + p[1], x0:x0 + p[2]])[None, None])
                    out[:, z0:z0 + p[0], y0:y0 + p[1], x0:x0 + p[2]] = torch.softmax(net(block), dim=1)[0].numpy()
    np.argmax(out, axis=0)
    return time.perf_counter() - t


def main() -> None:
    checkpoint, threads, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    torch.set_num_threads(threads)
    state = torch.load(checkpoint, map_location="cpu")["state_dict"]
    net = UNet3D(input_image_channels=1, initial_feature_channels=16, num_classes=3, num_downsampling_paths=4)
    net.load_state_dict({k[len("model."):]: v for k, v in state.items() if k.startswith("model.")}, strict=True)
    net.eval()
    patch = torch.from_numpy(synthetic_volume(128, 176, 176)[None, None])
    seconds = []
    if len(sys.argv) > 4:
        seconds.append(scan(net, [int(v) for v in sys.argv[4].split(",")]))
        reps = 0
    with torch.no_grad():
        for _ in range(reps):
            t = time.perf_counter()
            torch.softmax(net(patch), dim=1)
            seconds.append(time.perf_counter() - t)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"seconds": seconds, "peak_rss_bytes": rss, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
