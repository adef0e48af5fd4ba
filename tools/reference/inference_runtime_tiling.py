"""Reference for @seahorse/inference's `innereye` tiling: InnerEye's predict_whole_image re-implemented
from torchio 0.18.74's EnsureShapeMultiple + GridSampler + GridAggregator semantics, with numpy and
onnxruntime (Python). Independent of the TypeScript code.

usage: inference_runtime_tiling.py MODEL.onnx OUT_DIR Z Y X PZ PY PX MULTIPLE SEED
Writes OUT_DIR/input_zyx.npy (float32, seeded normal) and OUT_DIR/posteriors.npy ([C,Z,Y,X] float32)
and prints {"input": ..., "posteriors": ..., "windows": [[z0,y0,x0], ...]}.
"""
import json
import math
import os
import sys

import numpy as np
import onnxruntime as ort


def pad_like_torchio(image: np.ndarray, multiple: int):
    # EnsureShapeMultiple(method='pad') -> CropOrPad -> Pad(padding_mode=0): ini = ceil(p/2), fin = floor(p/2)
    pads = []
    for n in image.shape:
        p = int(math.ceil(n / multiple) * multiple - n)
        pads.append((int(math.ceil(p / 2)), p // 2))
    return np.pad(image, pads, mode="constant", constant_values=0.0), pads


def grid_locations(image_size, patch_size):
    # torchio GridSampler._get_patches_locations with patch_overlap = 0
    indices = []
    for im, p in zip(image_size, patch_size):
        dim = list(range(0, im + 1 - p, p))
        if dim[-1] != im - p:
            dim.append(im - p)
        indices.append(dim)
    ini = np.array(np.meshgrid(*indices)).reshape(3, -1).T
    return np.unique(ini, axis=0)  # sorted lexicographically


def main() -> None:
    model, out_dir = sys.argv[1], sys.argv[2]
    z, y, x, pz, py, px, multiple, seed = (int(v) for v in sys.argv[3:11])
    rng = np.random.default_rng(seed)
    image = rng.standard_normal((z, y, x)).astype(np.float32)
    padded, pads = pad_like_torchio(image, multiple)
    # restrict_crop_size_to_image: patch = min(crop, padded shape) per axis
    patch = [min(c, s) for c, s in zip((pz, py, px), padded.shape)]
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    sess = ort.InferenceSession(model, opts, providers=["CPUExecutionProvider"])
    name = sess.get_inputs()[0].name
    out = None
    locations = grid_locations(padded.shape, patch)
    for z0, y0, x0 in locations:
        block = padded[z0:z0 + patch[0], y0:y0 + patch[1], x0:x0 + patch[2]][None, None]
        post = sess.run(None, {name: np.ascontiguousarray(block)})[0][0]
        if out is None:
            out = np.zeros((post.shape[0],) + padded.shape, np.float32)
        # GridAggregator, overlap_mode='crop' with no overlap: assignment, later patches overwrite
        out[:, z0:z0 + patch[0], y0:y0 + patch[1], x0:x0 + patch[2]] = post
    (bz, _), (by, _), (bx, _) = pads
    out = out[:, bz:bz + z, by:by + y, bx:bx + x]
    os.makedirs(out_dir, exist_ok=True)
    np.save(os.path.join(out_dir, "input_zyx.npy"), image)
    np.save(os.path.join(out_dir, "posteriors.npy"), np.ascontiguousarray(out))
    print(json.dumps({
        "input": os.path.join(out_dir, "input_zyx.npy"),
        "posteriors": os.path.join(out_dir, "posteriors.npy"),
        "windows": locations.tolist(),
    }))


if __name__ == "__main__":
    main()
