"""Variants of a real DICOM series, written by pydicom (an independent writer), for
@seahorse/dicom's sorting, refusal, codec and corrupt-input tests.

Usage: dicom_fixtures.py <kind> <source series folder> <out folder>
Kinds:
  shuffled       files renamed in random order, InstanceNumber permuted so it no longer follows position
  removed_slice  the middle slice (by position) dropped
  uneven         slices after the middle moved 1 mm further along the normal
  tilt           each slice shifted 0.5 mm per slice in-plane (a gantry tilt)
  non_parallel   one slice's ImageOrientationPatient turned by 5 degrees
  four_d         a second copy of every slice (new SOP UIDs, same series and positions): two echoes
  two_series     the series twice, the copy with a new SeriesInstanceUID and SeriesNumber + 100
  native         decompressed to Explicit VR Little Endian (for tools that cannot decode JPEG)
  rle | jpegls | j2k   recompressed losslessly (RLE Lossless, JPEG-LS Lossless, JPEG 2000 Lossless)
  unknown_ts     the meta header of the first slice names MPEG2 (1.2.840.10008.1.2.4.100)
  no_pixels      the first slice without Pixel Data
  truncated      the first slice cut 1000 bytes short (inside its Pixel Data)
  zip            out/series.zip holding the series in a sub-folder
  zip_slip       out/series.zip holding the series plus an entry '../evil.dcm'
  zip_bomb       out/bomb.zip holding the series plus 300 MB of zeros in one entry
Prints {"out": <folder or zip>}.
"""
import copy
import json
import os
import random
import sys
import zipfile

import numpy as np
import pydicom
from pydicom.uid import generate_uid


def load(src):
    files = sorted(os.path.join(src, f) for f in os.listdir(src))
    return [(f, pydicom.dcmread(f)) for f in files]


def normal(ds):
    o = np.array(ds.ImageOrientationPatient, dtype=float)
    return np.cross(o[:3], o[3:])


def by_position(dss):
    n = normal(dss[0][1])
    return sorted(dss, key=lambda x: float(np.dot(np.array(x[1].ImagePositionPatient, dtype=float), n)))


def save(ds, out, name):
    os.makedirs(out, exist_ok=True)
    ds.save_as(os.path.join(out, name), enforce_file_format=True)


def new_instance(ds):
    d2 = copy.deepcopy(ds)
    d2.SOPInstanceUID = generate_uid()
    d2.file_meta.MediaStorageSOPInstanceUID = d2.SOPInstanceUID
    return d2


def main(kind, src, out):
    rng = random.Random(7)
    dss = load(src)
    os.makedirs(out, exist_ok=True)
    if kind == "shuffled":
        order = list(range(len(dss)))
        rng.shuffle(order)
        numbers = list(range(1, len(dss) + 1))
        rng.shuffle(numbers)
        for i, (f, ds) in enumerate(dss):
            ds.InstanceNumber = numbers[i]
            save(ds, out, f"img{order[i]:04d}.dcm")
    elif kind == "removed_slice":
        s = by_position(dss)
        for i, (f, ds) in enumerate(s):
            if i != len(s) // 2:
                save(ds, out, os.path.basename(f))
    elif kind in ("uneven", "tilt"):
        s = by_position(dss)
        n = normal(s[0][1])
        row = np.array(s[0][1].ImageOrientationPatient[:3], dtype=float)
        for i, (f, ds) in enumerate(s):
            p = np.array(ds.ImagePositionPatient, dtype=float)
            if kind == "uneven" and i > len(s) // 2:
                p = p + n * 1.0
            if kind == "tilt":
                p = p + row * 0.5 * i
            ds.ImagePositionPatient = [f"{v:.6f}" for v in p]
            save(ds, out, os.path.basename(f))
    elif kind == "non_parallel":
        for i, (f, ds) in enumerate(dss):
            if i == 3:
                o = np.array(ds.ImageOrientationPatient, dtype=float)
                a = np.deg2rad(5)
                r, c = o[:3], o[3:]
                r2 = np.cos(a) * r + np.sin(a) * np.cross(r, c)
                ds.ImageOrientationPatient = [f"{v:.6f}" for v in list(r2) + list(c)]
            save(ds, out, os.path.basename(f))
    elif kind == "four_d":
        for f, ds in dss:
            save(ds, out, os.path.basename(f))
            d2 = new_instance(ds)
            d2.EchoNumbers = 2
            save(d2, out, "echo2_" + os.path.basename(f))
    elif kind == "two_series":
        uid = generate_uid()
        for f, ds in dss:
            save(ds, out, os.path.basename(f))
            d2 = new_instance(ds)
            d2.SeriesInstanceUID = uid
            d2.SeriesNumber = int(ds.SeriesNumber) + 100
            save(d2, out, "copy_" + os.path.basename(f))
    elif kind == "native":
        for f, ds in dss:
            ds.decompress()
            save(ds, out, os.path.basename(f))
    elif kind in ("rle", "jpegls", "j2k"):
        from pydicom.uid import JPEG2000Lossless, JPEGLSLossless, RLELossless
        ts = {"rle": RLELossless, "jpegls": JPEGLSLossless, "j2k": JPEG2000Lossless}[kind]
        for f, ds in dss:
            ds.compress(ts)
            save(ds, out, os.path.basename(f))
    elif kind == "unknown_ts":
        for i, (f, ds) in enumerate(dss):
            if i == 0:
                # MPEG2 Main Profile: the pixels encapsulated as one fragment, as such a file would hold them.
                from pydicom.encaps import encapsulate
                ds.PixelData = encapsulate([ds.PixelData])
                ds["PixelData"].VR = "OB"
                ds["PixelData"].is_undefined_length = True
                ds.file_meta.TransferSyntaxUID = "1.2.840.10008.1.2.4.100"
                save(ds, out, os.path.basename(f))
            else:
                save(ds, out, os.path.basename(f))
    elif kind == "no_pixels":
        for i, (f, ds) in enumerate(dss):
            if i == 0:
                del ds.PixelData
            save(ds, out, os.path.basename(f))
    elif kind == "truncated":
        for f, ds in dss:
            save(ds, out, os.path.basename(f))
        f0 = os.path.join(out, os.path.basename(dss[0][0]))
        raw = open(f0, "rb").read()
        open(f0, "wb").write(raw[: len(raw) - 1000])
    elif kind in ("zip", "zip_slip", "zip_bomb"):
        path = os.path.join(out, "bomb.zip" if kind == "zip_bomb" else "series.zip")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for f, _ in dss:
                z.write(f, "scan/" + os.path.basename(f))
            if kind == "zip_slip":
                z.writestr(zipfile.ZipInfo("../evil.dcm"), b"not for outside")
            if kind == "zip_bomb":
                z.writestr("zeros.bin", bytes(300 * 1024 * 1024))
        print(json.dumps({"out": path}))
        return
    else:
        raise SystemExit(f"unknown kind {kind}")
    print(json.dumps({"out": out}))


if __name__ == "__main__":
    main(*sys.argv[1:4])
