"""PyTorch reference of scripts/gpu-bench.sh: InnerEye's UNet3D as the training tool writes it
(tools/train/seahorse_train/unet3d.py, the same module names and state_dict keys) loaded with
strict=True from the shared full-size checkpoint, one forward pass + softmax on the benchmark's
synthetic patch, on a CUDA device (or the CPU for a dry run).

Timed with torch.cuda.synchronize() around each pass, both with cuDNN's own algorithm search
(torch.backends.cudnn.benchmark = True, the fair match for onnxruntime's default EXHAUSTIVE search)
and without it (PyTorch's default). The first pass of each setting is listed separately.

usage: gpu_pytorch_bench.py CHECKPOINT DEVICE REPS Z,Y,X OUT_POSTERIORS.f32
Prints one JSON line.
"""
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "train"))
from seahorse_train.unet3d import UNet3D  # noqa: E402


def synthetic_volume(z: int, y: int, x: int) -> np.ndarray:
    # must match packages/inference/bench/gpu-bench.ts syntheticVolumeZYX
    zz, yy, xx = np.meshgrid(np.arange(z), np.arange(y), np.arange(x), indexing="ij")
    return (np.sin(xx / 9.0) * np.cos(yy / 11.0) * 0.6 + np.sin(zz / 13.0) * 0.4).astype(np.float32)


def main() -> None:
    checkpoint, device, reps, shape, out = sys.argv[1], torch.device(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
    z, y, x = (int(v) for v in shape.split(","))
    state = torch.load(checkpoint, map_location="cpu")["state_dict"]
    net = UNet3D(input_image_channels=1, initial_feature_channels=16, num_classes=3, num_downsampling_paths=4)
    net.load_state_dict({k[len("model."):]: v for k, v in state.items() if k.startswith("model.")}, strict=True)
    net.eval().to(device)
    patch = torch.from_numpy(synthetic_volume(z, y, x)[None, None]).to(device)
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    result = {"torch": torch.__version__, "device": str(device), "shapeZYX": [z, y, x]}
    if device.type == "cuda":
        result["gpu"] = torch.cuda.get_device_name(device)
        result["cuda"] = torch.version.cuda
        result["cudnn"] = torch.backends.cudnn.version()
    posteriors = None
    with torch.no_grad():
        for benchmark in (True, False):
            torch.backends.cudnn.benchmark = benchmark
            sync()
            t = time.perf_counter()
            posteriors = torch.softmax(net(patch), dim=1)
            sync()
            first = time.perf_counter() - t
            seconds = []
            for _ in range(reps):
                sync()
                t = time.perf_counter()
                posteriors = torch.softmax(net(patch), dim=1)
                sync()
                seconds.append(time.perf_counter() - t)
            key = "cudnnBenchmark" if benchmark else "default"
            result[key] = {"firstPassSeconds": first, "bestSeconds": min(seconds), "seconds": seconds}
        if device.type == "cuda":
            result["peakAllocatedBytes"] = torch.cuda.max_memory_allocated(device)
    posteriors.float().cpu().numpy().astype(np.float32).tofile(out)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
