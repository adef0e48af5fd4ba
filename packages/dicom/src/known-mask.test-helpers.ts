import type { VolumeXYZ } from '@seahorse/io';

/** The shared Philips series (sagittal, 4° oblique, JPEG Lossless), relative to the shared folder. */
export const PHILIPS = 'data/dicom/philips_sag_mprage_jpegll';

/** InnerEye's Hippocampus structures, with distinct colours. */
export const ROIS = [
  { label: 1, name: 'hippocampus_L', color: [255, 0, 0] as const },
  { label: 2, name: 'hippocampus_R', color: [0, 128, 255] as const },
];

/**
 * A known label map on the series' (4° oblique) grid: for each side, a world-space ellipsoid
 * (12 × 20 × 10 mm semi-axes) joined to a smaller sphere, so slices are not all convex.
 */
export function knownSegmentation(image: VolumeXYZ): VolumeXYZ<Uint8Array> {
  const [X, Y, Z] = image.shapeXYZ;
  const a = image.affine;
  const data = new Uint8Array(X * Y * Z);
  for (let z = 0; z < Z; z++) for (let y = 0; y < Y; y++) for (let x = 0; x < X; x++) {
    const w = [0, 1, 2].map((r) => a[4 * r]! * x + a[4 * r + 1]! * y + a[4 * r + 2]! * z + a[4 * r + 3]!);
    for (const [label, cx] of [[1, -25], [2, 25]] as const) {
      const e = ((w[0]! - cx) / 12) ** 2 + (w[1]! / 20) ** 2 + ((w[2]! - 10) / 10) ** 2;
      const s = (w[0]! - cx * 1.3) ** 2 + (w[1]! + 18) ** 2 + (w[2]! - 4) ** 2;
      if (e <= 1 || s <= 49) data[x + X * (y + Y * z)] = label;
    }
  }
  return { shapeXYZ: [X, Y, Z], affine: Float64Array.from(a), data, kind: 'label' };
}

