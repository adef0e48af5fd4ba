"""Prints what nibabel sees in a NIfTI file, as JSON: shape, stored dtype and affine."""
import json
import sys

import nibabel as nib

img = nib.load(sys.argv[1])
print(json.dumps({
    "shape": [int(s) for s in img.shape],
    "dtype": str(img.get_data_dtype()),
    "affine": img.affine.tolist(),
}))
