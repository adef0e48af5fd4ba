"""Reads many NIfTI files with nibabel and SimpleITK and prints, as JSON, what each sees.

Usage: io_read_reference.py LIST_FILE [--no-sitk]
LIST_FILE holds one NIfTI path per line. For each file the output has:
- nibabel: shape, stored dtype, affine (4x4), aff2axcodes, sha256 of get_fdata(dtype=float64) and of the
  raw dataobj, both as x-fastest (Fortran order) little-endian bytes, plus the sum of its finite values;
  for 4-D files also the hashes of each volume [..., i];
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


def one(path: str, with_sitk: bool) -> dict:
    out: dict = {"file": path}
    img = nib.load(path)
    f = img.get_fdata(dtype=np.float64)
    raw = np.asanyarray(img.dataobj)  # the stored type when no scaling applies, else scaled
    out["nibabel"] = {
        "shape": [int(s) for s in img.shape],
        "dtype": str(img.get_data_dtype().newbyteorder('=')),
        "rawDtype": str(raw.dtype.newbyteorder('=')),
        "affine": img.affine.tolist(),
        "axcodes": "".join(nib.aff2axcodes(img.affine)),
        "fdataSha256": sha(f, 'F'),
        "rawSha256": sha(raw, 'F'),
        "finiteSum": float(f[np.isfinite(f)].sum()),
    }
    if f.ndim == 4:
        out["nibabel"]["volumeSha256"] = [sha(f[..., i], 'F') for i in range(f.shape[3])]
        out["nibabel"]["volumeRawSha256"] = [sha(raw[..., i], 'F') for i in range(raw.shape[3])]
    if not with_sitk:
        return out
    try:
        im = sitk.ReadImage(path)
    except RuntimeError as err:
        out["sitk"] = {"error": str(err)}
        return out
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
    with_sitk = "--no-sitk" not in sys.argv[2:]
    print(json.dumps([one(p, with_sitk) for p in files]))


if __name__ == "__main__":
    main()
