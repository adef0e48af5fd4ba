"""Volumes as nibabel sees them: for each NIfTI label file, the voxel count of labels 1..N and the
voxel volume |det(affine[:3, :3])|, printed as JSON. Usage: evaluation_volumes.py N file..."""
import json
import sys

import nibabel as nib
import numpy as np

n = int(sys.argv[1])
out = {}
for f in sys.argv[2:]:
    img = nib.load(f)
    data = np.asanyarray(img.dataobj)
    voxel = float(abs(np.linalg.det(img.affine[:3, :3])))
    counts = [int(np.count_nonzero(data == k)) for k in range(1, n + 1)]
    out[f] = {"voxel_mm3": voxel, "counts": counts, "volumes_mm3": [c * voxel for c in counts],
              "zooms_product": float(np.prod(img.header.get_zooms()[:3]))}
print(json.dumps(out))
