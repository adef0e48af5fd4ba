"""Geometry of NIfTI files as nibabel sees them, for @seahorse/inference's end-to-end output checks.

usage: inference_runtime_geometry.py OUT_DIR FILE [FILE ...]
Prints {"files": [{"file", "shape", "dtype", "affine" (4x4, nibabel's best affine), "sform_code",
"qform_code", "zooms", "min", "max", "zyx": path of the voxels as a [Z,Y,X] C-order .npy}]}.
"""
import json
import os
import sys

import nibabel as nib
import numpy as np


def main() -> None:
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    files = []
    for i, path in enumerate(sys.argv[2:]):
        img = nib.load(path)
        data = np.asarray(img.dataobj)
        zyx = os.path.join(out_dir, f"{i}_zyx.npy")
        np.save(zyx, np.ascontiguousarray(data.transpose(2, 1, 0)))
        files.append({
            "file": path,
            "shape": [int(s) for s in img.shape],
            "dtype": str(img.get_data_dtype()),
            "affine": img.affine.tolist(),
            "sform_code": int(img.header["sform_code"]),
            "qform_code": int(img.header["qform_code"]),
            "zooms": [float(z) for z in img.header.get_zooms()],
            "min": float(data.min()),
            "max": float(data.max()),
            "zyx": zyx,
        })
    print(json.dumps({"files": files}))


if __name__ == "__main__":
    main()
