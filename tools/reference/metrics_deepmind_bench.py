"""Benchmark reference for @seahorse/metrics: DeepMind's surface-distance 0.1 on 256^3 volumes.

Usage: metrics_deepmind_bench.py <out_dir> <shared_dir> <repeats>
Builds the same prediction as metrics_bench.py from the niivue subject's FreeSurfer hippocampi
(left: shifted by (1, 1, -1) voxels; right: dilated by one voxel, 26-connected), writes the
predictions and ground truths as uint8 [Z,Y,X] .npy, then times, `repeats` times, DeepMind's
compute_surface_distances + compute_robust_hausdorff(95) + compute_average_surface_distance for
both structures on the full volumes. Prints JSON: files, spacing, per-repeat seconds, values, peak RSS.
"""
import json
import os
import resource
import sys
import time
import warnings

import numpy as np

if not hasattr(np, "Inf"):
    np.Inf = np.inf  # pylint: disable=invalid-name  (surface-distance 0.1 predates NumPy 2)

import surface_distance  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from metrics_bench import bench_pairs  # noqa: E402  (the same pairs as the InnerEye-metrics benchmark)


def main():
    out, shared, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
    pred_l, pred_r, gt_l, gt_r, spacing = bench_pairs(shared)
    files = {}
    for name, arr in (("pred_L", pred_l), ("pred_R", pred_r), ("gt_L", gt_l), ("gt_R", gt_r)):
        files[name] = os.path.join(out, f"{name}.npy")
        np.save(files[name], arr)
    seconds, values = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        values = []
        for pred, gt in ((pred_l, gt_l), (pred_r, gt_r)):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                sd = surface_distance.compute_surface_distances(gt.astype(bool), pred.astype(bool), spacing)
                hd95 = float(surface_distance.compute_robust_hausdorff(sd, 95))
                gt_to_pred, pred_to_gt = surface_distance.compute_average_surface_distance(sd)
            values.append({"hd95": hd95, "predToGt": float(pred_to_gt), "gtToPred": float(gt_to_pred)})
        seconds.append(time.perf_counter() - t0)
    print(json.dumps({"files": files, "spacingZYX": spacing, "shapeZYX": list(gt_l.shape), "seconds": seconds,
                      "values": values, "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


if __name__ == "__main__":
    main()
