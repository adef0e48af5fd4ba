"""Rasterises an RTSTRUCT with independent tools, for @seahorse/dicom's round-trip tests.

Usage: dicom_rt_rasterise.py <tool> <rtstruct.dcm> <image series folder> <out dir>
  tool = plastimatch      Debian plastimatch 1.9: `plastimatch convert --referenced-ct` (fills the union).
                          It cannot decode JPEG Lossless: given such a series it silently rasterises
                          onto a default grid, so give it an uncompressed copy (dicom_fixtures.py native).
         dcmrtstruct2nii  PyPI dcmrtstruct2nii 5 (even-odd), on SimpleITK's reading of the series
Prints {"masks": {roi name: NIfTI path}}; the masks are on the tool's reading of the series grid.
"""
import contextlib
import glob
import json
import os
import subprocess
import sys


def main(tool, rt, series, out):
    os.makedirs(out, exist_ok=True)
    masks = {}
    if tool == "plastimatch":
        subprocess.run(["plastimatch", "convert", "--input", rt, "--referenced-ct", series,
                        "--output-prefix", out, "--prefix-format", "nii.gz"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for f in glob.glob(os.path.join(out, "*.nii.gz")):
            masks[os.path.basename(f)[: -len(".nii.gz")]] = f
    elif tool == "dcmrtstruct2nii":
        import pydicom
        # dcmrtstruct2nii 5 calls pydicom.read_file, which pydicom 3 renamed dcmread.
        pydicom.read_file = pydicom.dcmread
        with contextlib.redirect_stdout(sys.stderr):  # it prints a citation banner on stdout
            from dcmrtstruct2nii import dcmrtstruct2nii
            dcmrtstruct2nii(rt, series, out, convert_original_dicom=False)
        for f in glob.glob(os.path.join(out, "mask_*.nii.gz")):
            masks[os.path.basename(f)[len("mask_"): -len(".nii.gz")]] = f
    else:
        raise SystemExit(f"unknown tool {tool}")
    print(json.dumps({"masks": masks}))


if __name__ == "__main__":
    main(*sys.argv[1:5])
