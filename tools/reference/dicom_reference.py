"""Reference readings of a DICOM series for @seahorse/dicom's parity tests.

Usage:
  dicom_reference.py sitk <series folder> <out dir>
      SimpleITK's ImageSeriesReader (GDCM; ReadImage for one multi-frame file): writes <out>/sitk.npy (GetArrayFromImage, [Z,Y,X],
      the dtype SimpleITK chose) and prints {"npy", "dtype", "affine"} where "affine" is the
      voxel (x, y, z) -> world RAS 4x4, row-major (LPS -> RAS: rows x and y negated).
  dicom_reference.py dcm2niix <series folder> <out dir> [philips_precise y|n]
      The PyPI dcm2niix binary (-z y -p <y|n>): prints {"nifti"}.
"""
import json
import os
import subprocess
import sys

import numpy as np


def sitk_read(folder, out):
    import SimpleITK as sitk
    reader = sitk.ImageSeriesReader()
    files = reader.GetGDCMSeriesFileNames(folder)
    if len(files) == 1:
        # One enhanced multi-frame file: ImageSeriesReader makes it 4-D; ReadImage reads the frames as 3-D.
        img = sitk.ReadImage(files[0])
    else:
        reader.SetFileNames(files)
        img = reader.Execute()
    arr = sitk.GetArrayFromImage(img)
    d = np.array(img.GetDirection()).reshape(3, 3)
    sp = np.array(img.GetSpacing())
    lps = np.eye(4)
    lps[:3, :3] = d * sp[None, :]
    lps[:3, 3] = img.GetOrigin()
    ras = np.diag([-1.0, -1.0, 1.0, 1.0]) @ lps
    os.makedirs(out, exist_ok=True)
    npy = os.path.join(out, "sitk.npy")
    np.save(npy, arr)
    print(json.dumps({"npy": npy, "dtype": str(arr.dtype), "affine": ras.flatten().tolist()}))


def dcm2niix(folder, out, precise="y"):
    exe = os.path.join(os.path.dirname(sys.executable), "dcm2niix")
    os.makedirs(out, exist_ok=True)
    subprocess.run([exe, "-z", "y", "-b", "n", "-p", precise, "-f", "ref", "-o", out, folder],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    print(json.dumps({"nifti": os.path.join(out, "ref.nii.gz")}))


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "sitk":
        sitk_read(sys.argv[2], sys.argv[3])
    elif cmd == "dcm2niix":
        dcm2niix(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else "y")
    else:
        raise SystemExit(f"unknown command {cmd}")
