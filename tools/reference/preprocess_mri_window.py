"""Reference for @seahorse/preprocess MriWindow / TrimmedNorm / z-score parity tests.

InnerEye's `mri_window` (photometric_normalization.py) as it ran with numpy 1.19.1 and
scikit-image 0.17.2, written out explicitly with numpy because the reference env has newer
versions whose defaults differ (numpy 2 casting rules, skimage's Otsu histogram):
  * Otsu: 256 float32 bin edges e[i] = float32(i*((last-first)/256) + first) (float64 arithmetic),
    e[256] = last, bin i holds e[i] <= x < e[i+1] (last bin closed), centres float32(e[i]+e[i+1])/2,
    float64 cumulative sums, first argmax.
  * numpy 1.19 'midpoint' percentiles in float64.
  * LinearTransform with numpy 1.19 value-based casting: clip(f32(f32(x*f32(g)) + f32(c)), out0, out1).
Also reports, per image, the threshold the installed skimage.filters.threshold_otsu gives, and
whether the installed np.histogram bins agree with the explicit rule.

Usage: preprocess_mri_window.py <out_dir> <jobs.json>
jobs.json: {"images": [paths...], "testVector": bool, "trimmed": [paths...], "zscore": [paths...]}
Writes <out_dir>/<k>_in.npy (float32, [Z,Y,X] as SimpleITK reads it, i.e. x fastest) and
<k>_out.npy; prints JSON.
"""
import json
import os
import sys

import numpy as np
import SimpleITK as sitk
import skimage
from skimage.filters import threshold_otsu as installed_threshold_otsu


def edges_f32(first, last, bins=256):
    first = float(first)
    last = float(last)
    step = (last - first) / bins
    e = (np.arange(bins + 1, dtype=np.float64) * step + first).astype(np.float32)
    e[bins] = np.float32(last)
    return e


def histogram_rule(x, edges):
    bins = len(edges) - 1
    idx = np.searchsorted(edges, x, side='right') - 1
    idx[idx == bins] = bins - 1  # the last bin includes the maximum
    return np.bincount(idx, minlength=bins).astype(np.float64)


def otsu_0172(x):
    first, last = x.min(), x.max()
    if first == last:
        raise ValueError('constant image')
    edges = edges_f32(first, last)
    hist = histogram_rule(x, edges)
    centres = (edges[:-1] + edges[1:]) / np.float32(2)  # float32
    w1 = np.cumsum(hist)
    w2 = np.cumsum(hist[::-1])[::-1]
    hc = hist * centres.astype(np.float64)
    m1 = np.cumsum(hc) / w1
    m2 = (np.cumsum(hc[::-1]) / w2[::-1])[::-1]
    var = w1[:-1] * w2[1:] * (m1[:-1] - m2[1:]) ** 2
    i = int(np.argmax(var))
    return np.float32(centres[i]), edges, hist


def midpoint_percentiles_119(data, percents):
    s = np.sort(data, kind='stable')
    n = len(s)
    out = []
    for p in percents:
        h = (p / 100.0) * (n - 1)
        m = 0.5 * (np.floor(h) + np.ceil(h))
        below = int(np.floor(m))
        if m == below:
            out.append(float(s[below]))
        else:
            above = min(below + 1, n - 1)
            out.append(0.5 * float(s[below]) + 0.5 * float(s[above]))
    return out


def robust_mean_std(data):
    mn, q25, med, q75, mx = midpoint_percentiles_119(data, (0, 25, 50, 75, 100))
    std = (q75 - q25) / (2 * 0.67448975)
    return med, std, mn, mx


def linear_transform_f32(x, in_range, out_range):
    g = (out_range[1] - out_range[0]) / (in_range[1] - in_range[0])
    c = out_range[1] - g * in_range[1]
    y = (x * np.float32(g)).astype(np.float32) + np.float32(c)
    return np.clip(y.astype(np.float32), np.float32(out_range[0]), np.float32(out_range[1])).astype(np.float32)


def mri_window_channel(img, sharpen, tail, out_range):
    imflat = img.ravel()
    threshold, edges, hist = otsu_0172(imflat)
    level, std, _, max_fg = robust_mean_std(imflat[imflat > threshold])
    lo = max(level - std * sharpen, float(threshold))
    hi = min(max_fg, level + tail * std * sharpen)
    im = img.copy()
    im[img < threshold] = 0
    out = linear_transform_f32(im, (lo, hi), out_range)
    return out, float(threshold), [float(lo), float(hi)], edges, hist


def trimmed_norm_channel(img, sharpen, trim, out_range):
    px = img.ravel().astype(np.float64)
    lower, upper = midpoint_percentiles_119(px, trim)
    inside = px[(px > lower) & (px < upper)]
    med, std, mn, mx = robust_mean_std(inside)
    lo = max(med - std * sharpen, mn)
    hi = min(med + std * sharpen, mx)
    return linear_transform_f32(img, (lo, hi), out_range), [float(lo), float(hi)]


def load_f32(path):
    return sitk.GetArrayFromImage(sitk.ReadImage(path)).astype(np.float32)


def main():
    out_dir = sys.argv[1]
    with open(sys.argv[2]) as f:
        jobs = json.load(f)
    result = {'skimageVersion': skimage.__version__, 'numpyVersion': np.__version__, 'images': [], 'trimmed': [], 'zscore': []}
    for k, path in enumerate(jobs.get('images', [])):
        x = load_f32(path)
        inp = os.path.join(out_dir, f'mw{k}_in.npy')
        np.save(inp, x)
        entry = {'path': path, 'input': inp, 'shapeZYX': list(x.shape)}
        try:
            out, thr, window, edges, hist = mri_window_channel(x, 2.5, 1.0, (-1.0, 1.0))
        except ValueError as e:
            entry['error'] = str(e)
            result['images'].append(entry)
            continue
        outp = os.path.join(out_dir, f'mw{k}_out.npy')
        np.save(outp, out)
        inst = float(installed_threshold_otsu(x.ravel()))
        np_hist, _ = np.histogram(x.ravel(), bins=edges)
        entry.update({'output': outp, 'threshold': thr, 'window': window,
                      'installedSkimageThreshold': inst,
                      'npHistogramMatchesRule': bool(np.array_equal(np_hist.astype(np.float64), hist))})
        result['images'].append(entry)
    if jobs.get('testVector'):
        np.random.seed(0)
        image = (np.random.rand(3, 4, 4, 4) * 1000).astype(np.float32)
        inp = os.path.join(out_dir, 'tv_in.npy')
        np.save(inp, image)
        tv = {'input': inp}
        for name, tails in (('tail2', [2.0, 2.0, 2.0]), ('tailList', [2.0, 1.5, 1.0])):
            out = np.zeros_like(image)
            thr = []
            for c in range(3):
                out[c], t, _, _, _ = mri_window_channel(image[c], 2.0, tails[c], (0.0, 1.0))
                thr.append(t)
            p = os.path.join(out_dir, f'tv_{name}.npy')
            np.save(p, out)
            tv[name] = {'output': p, 'mean': float(np.mean(out, dtype=np.float64)), 'thresholds': thr}
        result['testVector'] = tv
    for k, path in enumerate(jobs.get('trimmed', [])):
        x = load_f32(path)
        inp = os.path.join(out_dir, f'tn{k}_in.npy')
        np.save(inp, x)
        out, window = trimmed_norm_channel(x, 1.9, (1.0, 99.0), (-1.0, 1.0))
        outp = os.path.join(out_dir, f'tn{k}_out.npy')
        np.save(outp, out)
        result['trimmed'].append({'path': path, 'input': inp, 'output': outp, 'window': window})
    for k, path in enumerate(jobs.get('zscore', [])):
        x = load_f32(path)
        inp = os.path.join(out_dir, f'zs{k}_in.npy')
        np.save(inp, x)
        x64 = x.astype(np.float64)
        mean = float(np.mean(x64))
        std = float(np.std(x64))
        out = ((x64 - mean) / std).astype(np.float32)
        outp = os.path.join(out_dir, f'zs{k}_out.npy')
        np.save(outp, out)
        result['zscore'].append({'path': path, 'input': inp, 'output': outp, 'mean': mean, 'std': std})
    print(json.dumps(result))


if __name__ == '__main__':
    main()
