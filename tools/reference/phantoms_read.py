"""Reads a phantom cohort with nibabel and prints, per file, what nibabel sees (JSON):
shape, stored dtype, affine, orientation codes, and for masks the distinct values and voxel count.
Usage: phantoms_read.py <cohort folder> (reads dataset.csv)."""
import csv
import json
import os
import sys

import nibabel as nib
import numpy as np

root = sys.argv[1]
out = []
with open(os.path.join(root, "dataset.csv"), newline="") as f:
    for row in csv.DictReader(f):
        img = nib.load(os.path.join(root, row["filePath"]))
        data = np.asarray(img.dataobj)
        entry = {
            "subject": row["subject"], "channel": row["channel"], "filePath": row["filePath"],
            "shape": [int(s) for s in img.shape], "dtype": str(img.get_data_dtype()),
            "affine": img.affine.tolist(), "codes": "".join(nib.aff2axcodes(img.affine)),
            "sformCode": int(img.header["sform_code"]), "qformCode": int(img.header["qform_code"]),
        }
        if row["channel"] != "mri":
            entry["values"] = sorted(int(v) for v in np.unique(data))
            entry["count"] = int((data > 0).sum())
            # Centroid in world RAS+ mm.
            idx = np.argwhere(data > 0)
            entry["centroidRAS"] = (img.affine[:3, :3] @ idx.mean(0) + img.affine[:3, 3]).tolist() if len(idx) else None
        else:
            entry["mean"] = float(data.astype(np.float64).mean())
        out.append(entry)
print(json.dumps(out))
