"""Benchmark reference for @seahorse/metrics: InnerEye's SimpleITK metric calls on 256^3 volumes.

Usage: metrics_bench.py <out_dir> <shared_dir> <repeats>
Builds, from the niivue subject's FreeSurfer hippocampus masks (256^3, 1 mm), a two-class
prediction (left: shifted by (1, 1, -1) voxels; right: dilated by one voxel, 26-connected) and
writes prediction and ground truths as uint8 [Z,Y,X] .npy. Then times, `repeats` times, what
InnerEye's calculate_metrics_per_class does for both structures (Dice, HD, MeanDistance) and prints
JSON with the files, the spacing, per-repeat seconds, the values and the peak RSS.
"""
import json
import os
import resource
import sys
import time

import nibabel as nib
import numpy as np
from scipy import ndimage

sys.path.insert(0, os.path.dirname(__file__))
from metrics_innereye import innereye_metrics  # noqa: E402


def zyx(path):
    img = nib.load(path)
    return np.ascontiguousarray(np.asarray(img.dataobj).transpose(2, 1, 0)).astype(np.uint8), \
        [float(s) for s in reversed(img.header.get_zooms()[:3])]


def bench_pairs(shared):
    """The benchmark's two hippocampus pairs on the niivue subject's 256^3 grid, [Z,Y,X] uint8:
    left shifted by one voxel on each axis, right dilated by one voxel (26-connected).
    Returns (pred_l, pred_r, gt_l, gt_r, spacing_zyx)."""
    base = os.path.join(shared, "data", "niivue-subject")
    gt_l, spacing = zyx(os.path.join(base, "hippocampus_L.nii.gz"))
    gt_r, _ = zyx(os.path.join(base, "hippocampus_R.nii.gz"))
    pred_l = np.zeros_like(gt_l)
    pred_l[1:, 1:, :-1] = gt_l[:-1, :-1, 1:]
    pred_r = ndimage.binary_dilation(gt_r, ndimage.generate_binary_structure(3, 3)).astype(np.uint8)
    return pred_l, pred_r, gt_l, gt_r, spacing


def main():
    out, shared, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
    pred_l, pred_r, gt_l, gt_r, spacing = bench_pairs(shared)
    seg = np.zeros_like(gt_l)
    seg[pred_l == 1] = 1
    seg[pred_r == 1] = 2
    files = {}
    for name, arr in (("segmentation", seg), ("gt_L", gt_l), ("gt_R", gt_r)):
        files[name] = os.path.join(out, f"{name}.npy")
        np.save(files[name], arr)
    seconds = []
    values = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        values = [innereye_metrics((seg == k + 1).astype(np.uint8), gt, spacing) for k, gt in enumerate((gt_l, gt_r))]
        seconds.append(time.perf_counter() - t0)
    print(json.dumps({
        "files": files, "spacingZYX": spacing, "shapeZYX": list(seg.shape), "seconds": seconds, "values": values,
        "voxels": [int(gt_l.sum()), int(gt_r.sum())],
        "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


if __name__ == "__main__":
    main()
