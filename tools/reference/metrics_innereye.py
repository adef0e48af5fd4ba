"""Reference for @seahorse/metrics: InnerEye's per-structure metrics, made with exactly the SimpleITK
calls of InnerEye/ML/metrics.py (calculate_metrics_per_class, surface_distance), plus MONAI's surface
distance conventions re-done with scipy (MONAI itself is not installed).

Usage: metrics_innereye.py <out_dir> <shared_dir>
Builds many real (prediction, ground truth) pairs from the shared data (MSD labels vs eroded, dilated
and shifted copies; Colin27 AAL hippocampi vs shifted and resampled copies; anisotropic spacings;
masks touching the image border; empty cases), writes each pair as two uint8 [Z,Y,X] .npy files
in <out_dir>, and prints JSON: {"cases": [{name, pred, gt, spacingZYX, itk: {...}, monai: {...}}]}.
"""
import json
import math
import os
import sys

import nibabel as nib
import numpy as np
import SimpleITK as sitk
from scipy import ndimage


def to_image(mask_zyx, spacing_zyx):
    img = sitk.GetImageFromArray(mask_zyx.astype(np.uint8))
    img.SetSpacing(sitk.VectorDouble([float(s) for s in reversed(spacing_zyx)]))
    return img


def surface_distance(seg, ref):
    """InnerEye's metrics.surface_distance, call for call."""
    stats = sitk.StatisticsImageFilter()
    ref_surface = sitk.LabelContour(ref)
    stats.Execute(ref_surface)
    n_ref_surface = int(stats.GetSum())
    ref_dmap = sitk.Abs(sitk.SignedMaurerDistanceMap(ref, squaredDistance=False, useImageSpacing=True))
    seg_surface = sitk.LabelContour(seg)
    seg_dmap = sitk.Abs(sitk.SignedMaurerDistanceMap(seg, squaredDistance=False, useImageSpacing=True))
    seg2ref = ref_dmap * sitk.Cast(seg_surface, sitk.sitkFloat32)
    ref2seg = seg_dmap * sitk.Cast(ref_surface, sitk.sitkFloat32)
    stats.Execute(seg_surface)
    n_seg_surface = int(stats.GetSum())
    a = sitk.GetArrayViewFromImage(seg2ref)
    seg2ref_d = list(a[a != 0])
    seg2ref_d = seg2ref_d + list(np.zeros(n_seg_surface - len(seg2ref_d)))
    b = sitk.GetArrayViewFromImage(ref2seg)
    ref2seg_d = list(b[b != 0])
    ref2seg_d = ref2seg_d + list(np.zeros(n_ref_surface - len(ref2seg_d)))
    return float(np.mean(seg2ref_d + ref2seg_d))


def exact_mean_distance(pred, gt, spacing_zyx):
    """InnerEye's MeanDistance formula in float64 with scipy's exact EDT, and how far SimpleITK's
    float32 Maurer maps stray from the exact distances on the voxels that enter the mean.
    C6 = LabelContour (6-connected), sites = BinaryContour(fullyConnected=True) = C26."""
    p, g = to_image(pred, spacing_zyx), to_image(gt, spacing_zyx)
    c6p = sitk.GetArrayFromImage(sitk.LabelContour(p)) != 0
    c6g = sitk.GetArrayFromImage(sitk.LabelContour(g)) != 0
    c26p = sitk.GetArrayFromImage(sitk.BinaryContour(p, fullyConnected=True, backgroundValue=0, foregroundValue=1)) != 0
    c26g = sitk.GetArrayFromImage(sitk.BinaryContour(g, fullyConnected=True, backgroundValue=0, foregroundValue=1)) != 0
    to_p = ndimage.distance_transform_edt(~c26p, sampling=spacing_zyx)
    to_g = ndimage.distance_transform_edt(~c26g, sampling=spacing_zyx)
    exact = np.concatenate([to_g[c6p], to_p[c6g]])
    itk_to_g = sitk.GetArrayFromImage(sitk.Abs(sitk.SignedMaurerDistanceMap(g, squaredDistance=False, useImageSpacing=True)))
    itk_to_p = sitk.GetArrayFromImage(sitk.Abs(sitk.SignedMaurerDistanceMap(p, squaredDistance=False, useImageSpacing=True)))
    itk = np.concatenate([itk_to_g[c6p], itk_to_p[c6g]]).astype(np.float64)
    nz = exact > 0
    rel = float(np.max(np.abs(itk[nz] - exact[nz]) / exact[nz])) if nz.any() else 0.0
    return float(exact.mean()), rel


def innereye_metrics(pred, gt, spacing_zyx):
    """InnerEye's calculate_metrics_per_class for one structure."""
    if not np.all(np.isin(gt, [0, 1])):
        raise ValueError("ground truth not binary")
    pred_zero = not np.any(pred)
    gt_zero = not np.any(gt)
    dice = hd = md = math.nan
    if not (pred_zero and gt_zero):
        p = to_image(pred, spacing_zyx)
        g = to_image(gt, spacing_zyx)
        overlap = sitk.LabelOverlapMeasuresImageFilter()
        overlap.Execute(p, g)
        dice = overlap.GetDiceCoefficient()
        if pred_zero or gt_zero:
            hd = md = math.inf
        else:
            hfilter = sitk.HausdorffDistanceImageFilter()
            hfilter.Execute(p, g)
            hd = hfilter.GetHausdorffDistance()
            md = surface_distance(p, g)
            md_exact, map_rel_error = exact_mean_distance(pred, gt, spacing_zyx)
            return {"dice": dice, "hd": hd, "md": md, "mdExact": md_exact, "itkMapRelError": map_rel_error}
    return {"dice": dice, "hd": hd, "md": md, "mdExact": md, "itkMapRelError": 0.0}


def monai_metrics(pred, gt, spacing_zyx):
    """MONAI >= 1.3 get_mask_edges(crop=True) + get_surface_distance(euclidean, spacing), with scipy."""
    if not pred.any() and not gt.any():
        return {"hd95": math.nan, "assd": math.nan}
    if not pred.any() or not gt.any():
        return {"hd95": math.inf, "assd": math.inf}
    p = np.pad(pred.astype(bool), 1)
    g = np.pad(gt.astype(bool), 1)
    ep = ndimage.binary_erosion(p) ^ p
    eg = ndimage.binary_erosion(g) ^ g
    d_to_g = ndimage.distance_transform_edt(~eg, sampling=spacing_zyx)
    d_to_p = ndimage.distance_transform_edt(~ep, sampling=spacing_zyx)
    a2b = d_to_g[ep]
    b2a = d_to_p[eg]
    hd95 = max(np.percentile(a2b, 95), np.percentile(b2a, 95))
    assd = np.concatenate([a2b, b2a]).mean()
    return {"hd95": float(hd95), "assd": float(assd)}


def zyx(path):
    img = nib.load(path)
    return np.ascontiguousarray(np.asarray(img.dataobj).transpose(2, 1, 0))


def shift(mask, offset):
    """Translates a mask by whole voxels, filling with 0 (no wrap-around)."""
    out = np.zeros_like(mask)
    src = tuple(slice(max(0, -o), mask.shape[d] - max(0, o)) for d, o in enumerate(offset))
    dst = tuple(slice(max(0, o), mask.shape[d] - max(0, -o)) for d, o in enumerate(offset))
    out[dst] = mask[src]
    return out


def resample_same_grid(mask, angle_deg, scale):
    """Nearest-neighbour resampling of a mask through a small rotation (about z) and scaling around its centre."""
    a = math.radians(angle_deg)
    m = np.array([[1, 0, 0], [0, math.cos(a), -math.sin(a)], [0, math.sin(a), math.cos(a)]]) / scale
    c = np.array(mask.shape) / 2.0
    return ndimage.affine_transform(mask, m, offset=c - m @ c, order=0).astype(np.uint8)


def build_cases(shared):
    cases = []
    msd = os.path.join(shared, "data", "msd-hippocampus", "labelsTr")
    names = sorted(n for n in os.listdir(msd) if n.endswith(".nii.gz"))
    six = ndimage.generate_binary_structure(3, 1)
    full = ndimage.generate_binary_structure(3, 3)
    spacings = [(1.0, 1.0, 1.0), (2.5, 0.9, 1.3), (1.2, 1.0, 1.0), (0.7, 3.0, 0.45)]
    for k, name in enumerate(names[::20]):
        lab = zyx(os.path.join(msd, name)).astype(np.uint8)
        base = name.replace(".nii.gz", "")
        for cls in (1, 2):
            gt = (lab == cls).astype(np.uint8)
            sp = spacings[(k + cls) % len(spacings)]
            variants = {
                "eroded": ndimage.binary_erosion(gt, six).astype(np.uint8),
                "dilated": ndimage.binary_dilation(gt, full).astype(np.uint8),
                "shifted": shift(gt, (1, -2, 1)),
                "other": (lab == 3 - cls).astype(np.uint8),
            }
            for vname, pred in variants.items():
                cases.append((f"msd/{base}/class{cls}/{vname}", pred, gt, sp))
        # border-touching: cut the crop through the middle of the hippocampus
        fg = np.argwhere(lab > 0)
        mid = (fg.min(0) + fg.max(0)) // 2
        cut = lab[:, mid[1]:, : mid[2] + 1]
        gt = (cut == 1).astype(np.uint8)
        if gt.any():
            cases.append((f"msd/{base}/border/dilated", ndimage.binary_dilation(gt, full).astype(np.uint8), gt, (1.0, 1.0, 1.0)))
            cases.append((f"msd/{base}/border/shifted", shift(gt, (0, 1, -1)), gt, (2.0, 1.0, 0.8)))
    colin = os.path.join(shared, "data", "colin27-aal")
    for side in ("L", "R"):
        gt_full = zyx(os.path.join(colin, f"hippocampus_{side}.nii.gz")).astype(np.uint8)
        fg = np.argwhere(gt_full)
        lo = np.maximum(fg.min(0) - 12, 0)
        hi = fg.max(0) + 13
        gt = np.ascontiguousarray(gt_full[lo[0]:hi[0], lo[1]:hi[1], lo[2]:hi[2]])
        cases.append((f"colin27/{side}/shifted", shift(gt, (2, 1, -1)), gt, (1.0, 1.0, 1.0)))
        cases.append((f"colin27/{side}/shifted-aniso", shift(gt, (0, 3, 0)), gt, (1.5, 1.0, 0.6)))
        cases.append((f"colin27/{side}/resampled-rot5", resample_same_grid(gt, 5.0, 1.0), gt, (1.0, 1.0, 1.0)))
        cases.append((f"colin27/{side}/resampled-scale0.95", resample_same_grid(gt, 0.0, 0.95), gt, (1.2, 0.9, 1.1)))
        cases.append((f"colin27/{side}/identical", gt.copy(), gt, (1.0, 1.0, 1.0)))
    gt_full = zyx(os.path.join(colin, "hippocampus_L.nii.gz")).astype(np.uint8)
    cases.append(("colin27/L/full-volume/shifted", shift(gt_full, (1, 0, 2)), gt_full, (1.0, 1.0, 1.0)))
    lab = zyx(os.path.join(msd, names[0])).astype(np.uint8)
    gt = (lab == 1).astype(np.uint8)
    empty = np.zeros_like(gt)
    cases.append(("empty/prediction", empty, gt, (1.0, 1.0, 1.0)))
    cases.append(("empty/ground-truth", gt, empty.copy(), (1.0, 1.0, 1.0)))
    cases.append(("empty/both", empty, empty.copy(), (1.0, 1.0, 1.0)))
    return cases


def finite_or_text(x):
    """JSON has no NaN or Infinity: non-finite numbers travel as the strings 'nan', 'inf', '-inf'."""
    if isinstance(x, dict):
        return {k: finite_or_text(v) for k, v in x.items()}
    if isinstance(x, float) and not math.isfinite(x):
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    return x


def dump_cases(out_dir, shared, measure):
    """Writes every case of build_cases as case<i>_{pred,gt}.npy in out_dir and prints one JSON
    {"cases": [{name, pred, gt, spacingZYX, **measure(pred, gt, spacing)}]}, non-finite as text."""
    result = []
    for i, (name, pred, gt, sp) in enumerate(build_cases(shared)):
        pred_path = os.path.join(out_dir, f"case{i:03d}_pred.npy")
        gt_path = os.path.join(out_dir, f"case{i:03d}_gt.npy")
        np.save(pred_path, np.ascontiguousarray(pred, dtype=np.uint8))
        np.save(gt_path, np.ascontiguousarray(gt, dtype=np.uint8))
        result.append({"name": name, "pred": pred_path, "gt": gt_path, "spacingZYX": list(sp),
                       **finite_or_text(measure(pred, gt, sp))})
    print(json.dumps({"cases": result}, allow_nan=False))


def main():
    dump_cases(sys.argv[1], sys.argv[2], lambda pred, gt, sp: {
        "itk": innereye_metrics(pred, gt, sp), "monai": monai_metrics(pred, gt, sp),
    })


if __name__ == "__main__":
    main()
