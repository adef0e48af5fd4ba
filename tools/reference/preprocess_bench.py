"""Reference timings for `npm run bench -- preprocess` (median of N runs, seconds).

Usage: preprocess_bench.py <runs> <mri_window_image> <resample_image> [<resample_image> ...]
* mriWindow: the explicit numpy implementation of InnerEye's mri_window used by the parity tests
  (preprocess_mri_window.py), and the same maths with the installed scikit-image's threshold_otsu and
  np.percentile(method='midpoint') ("installed libs").
* resample to 1 mm with SimpleITK ResampleImageFilter (linear and B-spline), with SimpleITK's default
  thread count and with 1 thread.
"""
import json
import os
import statistics
import sys
import time

import numpy as np
import SimpleITK as sitk
from skimage.filters import threshold_otsu

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from preprocess_mri_window import linear_transform_f32, load_f32, mri_window_channel  # noqa: E402
from preprocess_resample import grid_with_spacing, reference_image, to_sitk  # noqa: E402
import nibabel as nib  # noqa: E402


def timed(fn, runs):
    ts = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts)


def mri_window_installed(x):
    flat = x.ravel()
    thr = threshold_otsu(flat)
    fg = flat[flat > thr]
    mn, q25, med, q75, mx = np.percentile(fg, (0, 25, 50, 75, 100), method='midpoint')
    std = (q75 - q25) / (2 * 0.67448975)
    lo = max(med - std * 2.5, float(thr))
    hi = min(mx, med + std * 2.5)
    im = x.copy()
    im[x < thr] = 0
    return linear_transform_f32(im, (lo, hi), (-1.0, 1.0))


def main():
    runs = int(sys.argv[1])
    x = load_f32(sys.argv[2])
    out = {'mriWindow': {'shapeZYX': list(x.shape),
                         'numpyReference': timed(lambda: mri_window_channel(x, 2.5, 1.0, (-1.0, 1.0)), runs),
                         'installedLibs': timed(lambda: mri_window_installed(x), runs)},
           'resample': [], 'sitkThreads': sitk.ProcessObject.GetGlobalDefaultNumberOfThreads()}
    for path in sys.argv[3:]:
        img = nib.load(path)
        arr = np.ascontiguousarray(np.asanyarray(img.dataobj).astype(np.float32).T)
        simg = to_sitk(arr, img.affine)
        shape, aff = grid_with_spacing(list(img.shape), img.affine, [1.0, 1.0, 1.0])
        entry = {'path': path, 'shapeXYZ': list(img.shape), 'targetShapeXYZ': shape}
        for interp, code in (('linear', sitk.sitkLinear), ('bspline', sitk.sitkBSpline)):
            for threads in (0, 1):
                f = sitk.ResampleImageFilter()
                f.SetReferenceImage(reference_image(shape, aff))
                f.SetInterpolator(code)
                f.SetOutputPixelType(sitk.sitkFloat32)
                if threads:
                    f.SetNumberOfThreads(threads)
                entry[f'{interp}{"1thread" if threads else ""}'] = timed(lambda: f.Execute(simg), runs)
        out['resample'].append(entry)
    print(json.dumps(out))


if __name__ == '__main__':
    main()
