"""Reference for @seahorse/preprocess reorientation: nibabel's as_closest_canonical / as_reoriented.

Usage: preprocess_reorient.py <out_dir> <jobs.json>
jobs.json: [{"path": nifti, "targets": ["RAS", "LPS", ...]}, ...]
For each file writes <k>_in.npy (the voxel array as stored, x fastest: shape [Z,Y,X]) and for each
target <k>_<target>.npy; prints JSON with the affines (float64, row-major) and axis codes.
"""
import json
import os
import sys

import nibabel as nib
import numpy as np
from nibabel.orientations import axcodes2ornt, io_orientation, ornt_transform


def main():
    out_dir = sys.argv[1]
    with open(sys.argv[2]) as f:
        jobs = json.load(f)
    results = []
    for k, job in enumerate(jobs):
        img = nib.load(job['path'])
        arr = np.asanyarray(img.dataobj)
        inp = os.path.join(out_dir, f'ro{k}_in.npy')
        np.save(inp, np.ascontiguousarray(arr.T))
        entry = {'path': job['path'], 'input': inp, 'dtype': str(arr.dtype), 'affine': img.affine.tolist(),
                 'codes': ''.join(nib.aff2axcodes(img.affine)), 'outputs': {}}
        for target in job['targets']:
            if target == 'RAS':
                out = nib.as_closest_canonical(img)
            else:
                ornt = ornt_transform(io_orientation(img.affine), axcodes2ornt(tuple(target)))
                out = img.as_reoriented(ornt)
            p = os.path.join(out_dir, f'ro{k}_{target}.npy')
            np.save(p, np.ascontiguousarray(np.asanyarray(out.dataobj).T))
            entry['outputs'][target] = {'data': p, 'affine': out.affine.tolist(), 'codes': ''.join(nib.aff2axcodes(out.affine))}
        results.append(entry)
    print(json.dumps(results))


if __name__ == '__main__':
    main()
