"""Reference for @seahorse/preprocess resampling: SimpleITK's ResampleImageFilter.

Each NIfTI's voxel array and nibabel affine (RAS+) become a SimpleITK image in LPS with
spacing = affine column lengths, direction = normalised columns (may be non-orthogonal for sheared
files; ITK accepts that) and origin = the affine's translation. Target grids are built the same way.

Usage: preprocess_resample.py <out_dir> <jobs.json>
jobs.json: {"volumes": [{"path", "kind": "intensity"|"label", ["cropXYZ": [[x0,y0,z0],[sx,sy,sz]]], "targets": [{"grid": GRIDSPEC,
             "interpolations": [...], "roundTrip": bool}]}],
            "posteriors": [{"labels": [paths of binary masks, class 1..], "grid": GRIDSPEC}]}
GRIDSPEC: {"type": "spacing", "spacing": [x,y,z]}  same directions, same outer corner (Seahorse's gridWithSpacing)
          {"type": "rotated", "spacing": s, "angleDeg": a}  world-aligned RAS grid rotated about z by a,
                                                            covering the input's bounding box
Interpolations: linear, nearest, bspline (sitkBSpline, cubic), label-linear (per-label linear
indicator >= 0.5, ascending labels, later wins: nnU-Net's rule, built from sitkLinear).
Arrays are written x fastest ([Z,Y,X] C order). Prints JSON.
"""
import json
import os
import sys

import nibabel as nib
import numpy as np
import SimpleITK as sitk

FLIP = np.diag([-1.0, -1.0, 1.0])


def to_sitk(arr_zyx, affine):
    img = sitk.GetImageFromArray(arr_zyx)
    set_geometry(img, affine)
    return img


def set_geometry(img, affine):
    a = np.asarray(affine, dtype=np.float64)
    sp = np.sqrt((a[:3, :3] ** 2).sum(axis=0))
    img.SetSpacing(sp.tolist())
    img.SetDirection((FLIP @ (a[:3, :3] / sp)).ravel().tolist())
    img.SetOrigin((FLIP @ a[:3, 3]).tolist())


def reference_image(shape_xyz, affine, pixel=sitk.sitkUInt8):
    img = sitk.Image([int(s) for s in shape_xyz], pixel)
    set_geometry(img, affine)
    return img


def grid_with_spacing(shape_xyz, affine, spacing):
    a = np.asarray(affine, dtype=np.float64)
    old = np.sqrt((a[:3, :3] ** 2).sum(axis=0))
    out = np.eye(4)
    shape = []
    for d in range(3):
        shape.append(max(1, int(np.floor(shape_xyz[d] * old[d] / spacing[d] + 0.5))))
        out[:3, d] = a[:3, d] * (spacing[d] / old[d])
    for r in range(3):
        t = a[r, 3]
        for d in range(3):
            t += -0.5 * a[r, d] + 0.5 * out[r, d]
        out[r, 3] = t
    return shape, out


def rotated_grid(shape_xyz, affine, s, angle_deg):
    a = np.asarray(affine, dtype=np.float64)
    th = np.deg2rad(angle_deg)
    rot = np.array([[np.cos(th), -np.sin(th), 0], [np.sin(th), np.cos(th), 0], [0, 0, 1.0]])
    corners = np.array([[x, y, z, 1] for x in (-0.5, shape_xyz[0] - 0.5) for y in (-0.5, shape_xyz[1] - 0.5)
                        for z in (-0.5, shape_xyz[2] - 0.5)]).T
    world = (a @ corners)[:3]
    local = rot.T @ world
    lo, hi = local.min(axis=1), local.max(axis=1)
    shape = [int(np.ceil((hi[d] - lo[d]) / s)) for d in range(3)]
    out = np.eye(4)
    out[:3, :3] = rot * s
    out[:3, 3] = rot @ (lo + s / 2)
    return shape, out


def make_grid(spec, shape_xyz, affine):
    if spec['type'] == 'spacing':
        return grid_with_spacing(shape_xyz, affine, spec['spacing'])
    return rotated_grid(shape_xyz, affine, spec['spacing'], spec['angleDeg'])


def resample(img, shape_xyz, affine, interp, out_pixel=None):
    f = sitk.ResampleImageFilter()
    f.SetReferenceImage(reference_image(shape_xyz, affine))
    f.SetDefaultPixelValue(0)
    f.SetInterpolator({'linear': sitk.sitkLinear, 'nearest': sitk.sitkNearestNeighbor, 'bspline': sitk.sitkBSpline}[interp])
    f.SetOutputPixelType(out_pixel if out_pixel is not None else img.GetPixelID())
    return f.Execute(img)


def label_linear(arr_zyx, affine, shape_xyz, target_affine):
    out = np.zeros([shape_xyz[2], shape_xyz[1], shape_xyz[0]], dtype=arr_zyx.dtype)
    near_tie = 0
    for lab in np.unique(arr_zyx):
        if lab == 0:
            continue
        ind = to_sitk((arr_zyx == lab).astype(np.float64), affine)
        v = sitk.GetArrayFromImage(resample(ind, shape_xyz, target_affine, 'linear', sitk.sitkFloat64))
        out[v >= 0.5] = lab
        near_tie += int(np.sum(np.abs(v - 0.5) < 1e-9))
    return out, near_tie


def main():
    out_dir = sys.argv[1]
    with open(sys.argv[2]) as f:
        jobs = json.load(f)
    res = {'volumes': [], 'posteriors': []}
    for k, job in enumerate(jobs.get('volumes', [])):
        nimg = nib.load(job['path'])
        arr = np.asanyarray(nimg.dataobj)
        arr = arr.astype(np.float32) if job['kind'] == 'intensity' else arr
        affine = nimg.affine
        if 'cropXYZ' in job:  # [[x0, y0, z0], [sx, sy, sz]]: a sub-block, with the affine moved to its first voxel
            (x0, y0, z0), (sx, sy, sz) = job['cropXYZ']
            arr = arr[x0:x0 + sx, y0:y0 + sy, z0:z0 + sz]
            affine = affine.copy()
            affine[:3, 3] = affine[:3, :3] @ np.array([x0, y0, z0], dtype=np.float64) + affine[:3, 3]
        arr_zyx = np.ascontiguousarray(arr.T)
        shape_xyz = list(arr.shape)
        inp = os.path.join(out_dir, f'rs{k}_in.npy')
        np.save(inp, arr_zyx)
        img = to_sitk(arr_zyx, affine)
        entry = {'path': job['path'], 'input': inp, 'affine': affine.tolist(), 'targets': []}
        for t, target in enumerate(job['targets']):
            gshape, gaff = make_grid(target['grid'], shape_xyz, affine)
            te = {'grid': target['grid'], 'shapeXYZ': gshape, 'affine': gaff.tolist(), 'outputs': {}}
            for interp in target['interpolations']:
                base = os.path.join(out_dir, f'rs{k}_{t}_{interp}')
                if interp == 'label-linear':
                    out, ties = label_linear(arr_zyx, affine, gshape, gaff)
                    np.save(base + '.npy', out)
                    te['outputs'][interp] = {'data': base + '.npy', 'nearTies': ties}
                    continue
                out_img = resample(img, gshape, gaff, interp)
                np.save(base + '.npy', sitk.GetArrayFromImage(out_img))
                o = {'data': base + '.npy'}
                if target.get('roundTrip'):
                    back = resample(out_img, shape_xyz, affine, interp)
                    np.save(base + '_back.npy', sitk.GetArrayFromImage(back))
                    o['back'] = base + '_back.npy'
                te['outputs'][interp] = o
            entry['targets'].append(te)
        res['volumes'].append(entry)
    for k, job in enumerate(jobs.get('posteriors', [])):
        masks = [np.asanyarray(nib.load(p).dataobj) for p in job['labels']]
        affine = nib.load(job['labels'][0]).affine
        labels = np.zeros(masks[0].shape, dtype=np.uint8)
        for c, m in enumerate(masks, start=1):
            labels[m > 0] = c
        shape_xyz = list(labels.shape)
        labels_zyx = np.ascontiguousarray(labels.T)
        gshape, gaff = make_grid(job['grid'], shape_xyz, affine)
        post = []
        for c in range(len(masks) + 1):
            ind = to_sitk((labels_zyx == c).astype(np.float64), affine)
            post.append(sitk.GetArrayFromImage(resample(ind, gshape, gaff, 'linear', sitk.sitkFloat64)).astype(np.float32))
        post = np.stack(post)
        # ITK's outside-of-grid voxels got 0 for every class; make the model-space posteriors a
        # proper distribution there (background 1) as a network would give
        post[0][post.sum(axis=0) == 0] = 1.0
        back = []
        for c in range(post.shape[0]):
            back.append(sitk.GetArrayFromImage(resample(to_sitk(post[c], gaff), shape_xyz, affine, 'linear', sitk.sitkFloat64)))
        back = np.stack(back)
        seg = np.argmax(back, axis=0).astype(np.uint8)
        srt = np.sort(back, axis=0)
        near_tie = (srt[-1] - srt[-2]) < 1e-6
        pp = os.path.join(out_dir, f'post{k}.npy')
        np.save(pp, post)
        sp = os.path.join(out_dir, f'post{k}_seg.npy')
        np.save(sp, seg)
        tp = os.path.join(out_dir, f'post{k}_tie.npy')
        np.save(tp, near_tie.astype(np.uint8))
        lp = os.path.join(out_dir, f'post{k}_labels.npy')
        np.save(lp, labels_zyx)
        res['posteriors'].append({'posteriors': pp, 'segmentation': sp, 'nearTie': tp, 'labels': lp,
                                  'shapeXYZ': shape_xyz, 'affine': affine.tolist(),
                                  'modelShapeXYZ': gshape, 'modelAffine': gaff.tolist()})
    print(json.dumps(res))


if __name__ == '__main__':
    main()
