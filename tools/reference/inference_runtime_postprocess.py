"""Reference for @seahorse/inference's ensembling, post-processing and output scaling, written the
way InnerEye does them (EnsemblePipeline.aggregate_results, posteriors_to_segmentation,
extract_largest_foreground_connected_component, compute_uncertainty_map_from_posteriors,
store_posteriors_as_nifti), with numpy 1.19's float32 casting made explicit for numpy 2.

usage: inference_runtime_postprocess.py OUT_DIR SEED MEMBERS Z Y X
Prints {"members": [paths], "mean": path, "segmentation": path, "lcc": path, "posterior_bytes": path,
"uncertainty": path, "uncertainty_bytes": path}.
"""
import json
import os
import sys

import numpy as np
from scipy import ndimage


def main() -> None:
    out_dir = sys.argv[1]
    seed, members, z, y, x = (int(v) for v in sys.argv[2:7])
    rng = np.random.default_rng(seed)
    classes = 3
    paths = []
    posts = []
    for m in range(members):
        logits = ndimage.gaussian_filter(rng.standard_normal((classes, z, y, x)), sigma=(0, 1.5, 1.5, 1.5)) * 6
        p = np.exp(logits - logits.max(axis=0, keepdims=True))
        p = (p / p.sum(axis=0, keepdims=True)).astype(np.float32)
        # exact ties between classes, and exact zeros, on a few voxels
        p[:, 0, 0, :4] = np.float32(1 / 3)
        p[1:, 0, 1, :4] = np.float32(0.5)
        p[0, 0, 1, :4] = 0
        posts.append(p)
        path = os.path.join(out_dir, f"member_{m}.npy")
        np.save(path, p)
        paths.append(path)
    aggregate = posts[0].copy()
    for r in posts[1:]:
        aggregate += r
    aggregate /= np.float32(len(posts))
    segmentation = np.argmax(aggregate, axis=0).astype(np.uint8)
    lcc = segmentation.copy()
    for c in (1, 2):
        labelled, n = ndimage.label(lcc == c)
        if n > 1:
            sizes = [(labelled == k).sum() for k in range(1, n + 1)]
            keep = int(np.argmax(sizes)) + 1
            lcc[(labelled != keep) & (labelled > 0)] = 0
    # store_posteriors_as_nifti: float32 * 255 (+ 0), clip, astype(ubyte) truncates
    posterior_bytes = np.clip(aggregate * np.float32(255.0) + np.float32(0.0), 0, 255).astype(np.uint8)
    with np.errstate(divide="ignore", invalid="ignore"):
        uncertainty = (-np.nansum(aggregate * np.log2(aggregate), axis=0) / np.float32(np.log2(classes))).astype(np.float32)
    uncertainty_bytes = np.clip(uncertainty * np.float32(255.0) + np.float32(0.0), 0, 255).astype(np.uint8)
    result = {"members": paths}
    for name, arr in [("mean", aggregate), ("segmentation", segmentation), ("lcc", lcc),
                      ("posterior_bytes", posterior_bytes), ("uncertainty", uncertainty),
                      ("uncertainty_bytes", uncertainty_bytes)]:
        path = os.path.join(out_dir, f"{name}.npy")
        np.save(path, np.ascontiguousarray(arr))
        result[name] = path
    result["components"] = {str(c): int(ndimage.label(segmentation == c)[1]) for c in (1, 2)}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
