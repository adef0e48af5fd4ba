"""Writes small NIfTI fixtures with nibabel, for Seahorse's reader tests, and prints them as JSON.

Usage: io_make_fixtures.py OUT_DIR
Prints [{"name", "file", "valid"}]; "valid": false marks files nibabel writes but Seahorse must
reject with a typed error (RGB, complex, int64 beyond 2^53).
"""
import gzip
import json
import os
import struct
import sys

import nibabel as nib
import numpy as np

rng = np.random.default_rng(0)
SHAPE = (5, 6, 7)


def rotated_affine(spacing=(1.5, 2.0, 2.5), origin=(-10.0, 20.0, 5.5), angle=0.3):
    c, s = np.cos(angle), np.sin(angle)
    rot = np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])
    a = np.eye(4)
    a[:3, :3] = rot @ np.diag(spacing)
    a[:3, 3] = origin
    return a


def patch_scaling(path, slope, inter):
    """Sets scl_slope/scl_inter in a written NIfTI-1 file (nibabel recomputes them on save)."""
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'rb') as fh:
        raw = bytearray(fh.read())
    endian = '<' if struct.unpack('<i', raw[:4])[0] == 348 else '>'
    raw[112:120] = struct.pack(endian + 'ff', slope, inter)
    with opener(path, 'wb') as fh:
        fh.write(bytes(raw))


def save(img, out_dir, name, fixtures, valid=True):
    path = os.path.join(out_dir, name)
    nib.save(img, path)
    fixtures.append({"name": name, "file": path, "valid": valid})


def main() -> None:
    out = sys.argv[1]
    fx: list = []
    aff = rotated_affine()
    ranges = {
        'uint8': (0, 255), 'int8': (-128, 127), 'int16': (-32768, 32767), 'uint16': (0, 65535),
        'int32': (-2**31, 2**31 - 1), 'uint32': (0, 2**32 - 1), 'int64': (-2**53, 2**53), 'uint64': (0, 2**53),
    }
    for name, (lo, hi) in ranges.items():
        data = rng.integers(lo, hi, size=SHAPE, endpoint=True, dtype=np.int64 if name != 'uint64' else np.uint64).astype(name)
        img = nib.Nifti1Image(data, aff, dtype=name)
        save(img, out, f'dtype-{name}.nii', fx)
    for name in ('float32', 'float64'):
        data = rng.normal(size=SHAPE).astype(name)
        data[0, 0, 0] = np.nan
        data[1, 0, 0] = np.inf
        data[2, 0, 0] = -0.0
        save(nib.Nifti1Image(data, aff), out, f'dtype-{name}.nii.gz', fx)

    # Big-endian int16 with scaling.
    data = rng.integers(-1000, 1000, size=SHAPE, dtype=np.int16)
    hdr = nib.Nifti1Header(endianness='>')
    hdr.set_data_dtype('>i2')
    img = nib.Nifti1Image(data.astype('>i2'), aff, header=hdr)
    save(img, out, 'big-endian-int16-scaled.nii.gz', fx)
    patch_scaling(fx[-1]['file'], 2.5, -10.0)

    # Scaling with slope 1 and a non-zero intercept; uint8 with a float slope.
    img = nib.Nifti1Image(rng.integers(0, 255, size=SHAPE, dtype=np.uint8), aff)
    save(img, out, 'uint8-inter-only.nii', fx)
    patch_scaling(fx[-1]['file'], 1.0, 100.0)
    img = nib.Nifti1Image(rng.integers(0, 255, size=SHAPE, dtype=np.uint8), aff)
    save(img, out, 'uint8-slope-only.nii', fx)
    patch_scaling(fx[-1]['file'], 0.0123, 0.0)

    # NIfTI-2, little- and big-endian.
    save(nib.Nifti2Image(rng.normal(size=SHAPE).astype(np.float32), aff), out, 'nifti2-float32.nii.gz', fx)
    hdr2 = nib.Nifti2Header(endianness='>')
    hdr2.set_data_dtype('>i4')
    save(nib.Nifti2Image(rng.integers(-5, 5, size=SHAPE).astype('>i4'), aff, header=hdr2), out, 'nifti2-big-endian-int32.nii', fx)

    # 4-D: three volumes.
    save(nib.Nifti1Image(rng.normal(size=SHAPE + (3,)).astype(np.float32), aff), out, 'four-d-float32.nii.gz', fx)
    # 4-D with a single volume.
    save(nib.Nifti1Image(rng.normal(size=SHAPE + (1,)).astype(np.float32), aff), out, 'four-d-single.nii.gz', fx)

    # Extensions: a comment and an AFNI-coded blob, moving vox_offset.
    img = nib.Nifti1Image(rng.integers(0, 9, size=SHAPE, dtype=np.uint8), aff)
    img.header.extensions.append(nib.nifti1.Nifti1Extension(6, b'Seahorse extension test'))
    img.header.extensions.append(nib.nifti1.Nifti1Extension(4, b'<AFNI_attributes/>' * 5))
    save(img, out, 'extensions.nii', fx)

    # sform_code 1 and qform_code 2 with different transforms: nibabel takes the sform.
    img = nib.Nifti1Image(rng.normal(size=SHAPE).astype(np.float32), aff)
    img.set_qform(rotated_affine(spacing=(1.5, 2.0, 2.5), origin=(-7, 8, 9), angle=-0.4), code=2)
    img.set_sform(rotated_affine(origin=(1, 2, 3), angle=0.1), code=1)
    save(img, out, 'sform1-qform2.nii.gz', fx)

    # qform only, left-handed (det -1: stored with qfac -1).
    img = nib.Nifti1Image(rng.normal(size=SHAPE).astype(np.float32), np.eye(4))
    flip = np.diag([-2.0, 3.0, 4.0, 1.0])
    flip[:3, 3] = [1, 2, 3]
    img.set_sform(None, code=0)
    img.set_qform(flip, code=1)
    save(img, out, 'qform-only-qfac-negative.nii.gz', fx)
    # qform only, 180° rotation about x (quaternion a = 0).
    img = nib.Nifti1Image(rng.normal(size=SHAPE).astype(np.float32), np.eye(4))
    r180 = np.diag([1.1, -1.2, -1.3, 1.0])
    r180[:3, 3] = [-3, 2, 1]
    img.set_sform(None, code=0)
    img.set_qform(r180, code=2)
    save(img, out, 'qform-only-rotation-180.nii', fx)

    # No transform at all: nibabel's pixdim affine.
    hdr = nib.Nifti1Header()
    hdr.set_data_dtype(np.float32)
    hdr.set_data_shape(SHAPE)
    hdr.set_zooms((2.0, 3.0, 4.0))
    save(nib.Nifti1Image(rng.normal(size=SHAPE).astype(np.float32), None, header=hdr), out, 'no-xform-pixdim.nii', fx)

    # 2-D image.
    save(nib.Nifti1Image(rng.normal(size=(5, 6)).astype(np.float32), aff), out, 'two-d.nii', fx)

    # Must be rejected.
    rgb = np.zeros(SHAPE, dtype=[('R', 'u1'), ('G', 'u1'), ('B', 'u1')])
    save(nib.Nifti1Image(rgb, aff), out, 'reject-rgb24.nii', fx, valid=False)
    save(nib.Nifti1Image((rng.normal(size=SHAPE) + 1j).astype(np.complex64), aff), out, 'reject-complex64.nii', fx, valid=False)
    big = np.zeros(SHAPE, dtype=np.int64)
    big[1, 2, 3] = 2**60 + 1
    img = nib.Nifti1Image(big, aff, dtype=np.int64)
    save(img, out, 'reject-int64-beyond-2p53.nii', fx, valid=False)
    print(json.dumps(fx))


if __name__ == "__main__":
    main()
