"""Reference for @seahorse/metrics: DeepMind's surface-distance conventions, computed by DeepMind's own
package (`surface-distance==0.1`: compute_surface_distances, compute_robust_hausdorff,
compute_average_surface_distance) on the real pairs that metrics_innereye.py builds from the shared data.

Usage: metrics_deepmind.py <out_dir> <shared_dir>
Writes each pair as two uint8 [Z,Y,X] .npy files in <out_dir> and prints JSON:
{"cases": [{name, pred, gt, spacingZYX, hd: {"95": .., "100": .., "50": .., "0": ..},
            predToGt, gtToPred, nSurfelsPred, nSurfelsGt}]}
Non-finite numbers travel as the strings 'nan', 'inf'.
"""
import sys
import warnings

import numpy as np

# surface-distance 0.1 writes `np.Inf`, which NumPy 2 removed; it is the same value as np.inf.
# Only its empty-mask branches use it. Nothing else in the package is changed.
if not hasattr(np, "Inf"):
    np.Inf = np.inf  # pylint: disable=invalid-name

import surface_distance  # noqa: E402  (after the shim above)

from metrics_innereye import dump_cases  # noqa: E402  (same folder)

PERCENTS = (95, 100, 50, 0)


def deepmind(pred, gt, spacing_zyx):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # 0/0 for a mask without surfels is DeepMind's NaN
        sd = surface_distance.compute_surface_distances(gt.astype(bool), pred.astype(bool), spacing_zyx)
        hd = {str(p): float(surface_distance.compute_robust_hausdorff(sd, p)) for p in PERCENTS}
        gt_to_pred, pred_to_gt = surface_distance.compute_average_surface_distance(sd)
    return {"hd": hd, "gtToPred": float(gt_to_pred), "predToGt": float(pred_to_gt),
            "nSurfelsPred": int(len(sd["distances_pred_to_gt"])), "nSurfelsGt": int(len(sd["distances_gt_to_pred"]))}


def main():
    dump_cases(sys.argv[1], sys.argv[2], deepmind)


if __name__ == "__main__":
    main()
