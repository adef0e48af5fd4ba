import type { NiftiHeaderInfo } from './nifti-read.js';
import type { Mat4 } from './volume.js';

/** True when the 3×3 part's columns, normalised, are orthonormal within `tol`. */
function rigidPlusScaling(m: Mat4, tol = 1e-5): boolean {
  const cols = [0, 1, 2].map((c) => {
    const v = [m[c]!, m[4 + c]!, m[8 + c]!];
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  });
  for (let i = 0; i < 3; i++) {
    for (let j = i + 1; j < 3; j++) {
      const dot = cols[i]!.reduce((s, x, k) => s + x * cols[j]![k]!, 0);
      if (Math.abs(dot) > tol) return false;
    }
  }
  return true;
}

/**
 * The transform SimpleITK (ITK ≥ 5.x NiftiImageIO) takes from a header, as observed on the shared
 * files and described in ANTs' notes on ITK's NIfTI reader: the sform when `sform_code` is 1
 * (scanner) and the sform is rigid plus scaling; else the qform when `qform_code > 0`; else the sform.
 * Test-only: Seahorse itself follows nibabel's rule.
 */
export function sitkChosenTransform(h: NiftiHeaderInfo, fallback: Mat4): Mat4 {
  if (h.sformCode === 1 && h.sform && rigidPlusScaling(h.sform)) return h.sform;
  if (h.qformCode > 0 && h.qform) return h.qform;
  return h.sform ?? fallback;
}
