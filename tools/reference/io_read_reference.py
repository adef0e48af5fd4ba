"""Reads many NIfTI files with nibabel and SimpleITK and prints, as JSON, what each sees.

Usage: io_read_reference.py LIST_FILE
LIST_FILE holds one NIfTI path per line. For each file the output has:
- nibabel: shape, stored dtype, affine (4x4), aff2axcodes, sha256 of get_fdata(dtype=float64) and of the
  raw dataobj, both as x-fastest (Fortran order) little-endian bytes, plus sum/min/max of get_fdata;
- sitk: size, spacing, origin, direction (LPS), pixel type, array dtype, and sha256 of GetArrayFromImage cast to
  float64 (C order [Z,Y,X], which is x-fastest too).
Arrays are compared by hash so that a whole cohort fits in one Python call.
"""
import hashlib
import json
import sys

import nibabel as nib
import numpy as np
import SimpleITK as sitk


def sha(a: np.ndarray, order: str) -> str:
    a = a.astype(a.dtype.newbyteorder('<'), copy=False)
    return hashlib.sha256(a.tobytes(order=order)).hexdigest()


def one(path: str) -> dict:
    out: dict = {"file": path}
    img = nib.load(path)
    f = img.get_fdata(dtype=np.float64)
    raw = np.asanyarray(img.dataobj)
    out["nibabel"] = {
        "shape": [int(s) for s in img.shape],
        "dtype": str(img.get_data_dtype().newbyteorder('=')),
        "rawDtype": str(raw.dtype.newbyteorder('=')),
        "affine": img.affine.tolist(),
        "axcodes": "".join(nib.aff2axcodes(img.affine)),
        "fdataSha256": sha(f, 'F'),
        "rawSha256": sha(raw, 'F'),
        "sum": float(f.sum()), "min": float(f.min()), "max": float(f.max()),
    }
    im = sitk.ReadImage(path)
    arr = sitk.GetArrayFromImage(im)
    out["sitk"] = {
        "size": list(im.GetSize()),
        "spacing": list(im.GetSpacing()),
        "origin": list(im.GetOrigin()),
        "direction": list(im.GetDirection()),
        "pixelType": im.GetPixelIDTypeAsString(),
        "arrayShape": list(arr.shape),
        "arrayDtype": str(arr.dtype),
        "float64Sha256": sha(np.ascontiguousarray(arr).astype(np.float64), 'C'),
    }
    return out


def main() -> None:
    with open(sys.argv[1]) as fh:
        files = [line.strip() for line in fh if line.strip()]
    print(json.dumps([one(p) for p in files]))


if __name__ == "__main__":
    main()
