// A QC picture of one subject's segmentation: per structure, three orthogonal slices (axial,
// coronal, sagittal) through the structure's centroid, cropped around it with a margin; the scan
// in grey, the predicted outline in one colour and the ground-truth outline in another, a legend,
// and the display convention (radiological or neurological) written on the picture. Drawn as SVG
// and rendered to PNG by resvg; no Python, no browser.
import { axisOrientation, spacingXYZ, type VolumeXYZ } from '@seahorse/io';
import { MetricsError } from '../errors.js';
import { escapeHtml } from '../reports/report-html.js';
import { svgToPng } from '../reports/boxplot.js';

/** Which side of the patient is on the picture's left in axial and coronal views. */
export type DisplayConvention = 'radiological' | 'neurological';

/** The two outline colours (colour-blind safe: orange and sky blue) and their legend words. */
export const QC_COLOURS = { prediction: '#ff8c00', groundTruth: '#00bfff' } as const;

/** What {@link qcPictureSvg} draws. */
export interface QcPictureInput {
  /** The scan (first channel), any orientation. */
  readonly scan: VolumeXYZ;
  /** The segmentation on the scan's grid: structure `i` is label `i + 1`. */
  readonly segmentation: VolumeXYZ;
  /** Structure names in class order. */
  readonly structures: readonly string[];
  /** One binary mask per structure on the scan's grid, when the subject has ground truth. */
  readonly groundTruth?: readonly VolumeXYZ[];
  /** A line above the picture (e.g. the subject and the model). */
  readonly title: string;
  /** Default `'radiological'`: the patient's right on the picture's left. */
  readonly convention?: DisplayConvention;
  /** Margin around the structure's bounding box, mm. Default 10. */
  readonly marginMm?: number;
}

/** A volume seen in RAS index order: `at(r, a, s)` with r growing to the patient's right, a to anterior, s to superior. */
interface RasView {
  readonly shape: [number, number, number];
  /** Spacing of the RAS index axes, mm. */
  readonly spacing: [number, number, number];
  index(r: number, a: number, s: number): number;
}

/** Maps RAS index axes to the volume's voxel axes (nearest axes, nibabel's io_orientation: an oblique grid is shown in its closest canonical orientation, not resampled). */
function rasView(volume: VolumeXYZ): RasView {
  const ornt = axisOrientation(volume);
  const spacing = spacingXYZ(volume);
  const [nx, ny] = volume.shapeXYZ;
  const strides = [1, nx, nx * ny];
  const voxelAxisOf = [0, 1, 2].map((w) => ornt.findIndex((o) => o.worldAxis === w));
  if (voxelAxisOf.some((a) => a < 0)) throw new MetricsError('BAD_OPTIONS', 'QC picture: the scan has no usable orientation');
  const shape = voxelAxisOf.map((a) => volume.shapeXYZ[a]!) as [number, number, number];
  const sp = voxelAxisOf.map((a) => spacing[a]!) as [number, number, number];
  const terms = voxelAxisOf.map((a, w) => ({ stride: strides[a]!, flip: ornt[a]!.sign < 0, n: shape[w]! }));
  return {
    shape, spacing: sp,
    index(r, a, s) {
      let i = 0;
      [r, a, s].forEach((v, w) => {
        const t = terms[w]!;
        i += (t.flip ? t.n - 1 - v : v) * t.stride;
      });
      return i;
    },
  };
}

interface Panel {
  /** Plane name and the letters on its four sides. */
  readonly name: 'axial' | 'coronal' | 'sagittal';
  readonly width: number;
  readonly height: number;
  /** Pixel size in mm (columns, rows). */
  readonly pixelMm: [number, number];
  /** RAS index of the pixel (column, row). */
  ras(col: number, row: number): [number, number, number];
  readonly sides: { left: string; right: string; top: string; bottom: string };
}

type Box = { lo: [number, number, number]; hi: [number, number, number] };

/** The panels through `centre`, cropped to `box` (RAS index space). */
function panels(view: RasView, centre: [number, number, number], box: Box, convention: DisplayConvention): Panel[] {
  const [cr, ca, cs] = centre;
  const { lo, hi } = box;
  const radiological = convention === 'radiological';
  // Columns left → right: the patient's right first in radiological convention.
  const rOf = (c: number) => (radiological ? hi[0] - c : lo[0] + c);
  const lr = radiological ? { left: 'R', right: 'L' } : { left: 'L', right: 'R' };
  const nr = hi[0] - lo[0] + 1;
  const na = hi[1] - lo[1] + 1;
  const ns = hi[2] - lo[2] + 1;
  const [sr, sa, ss] = view.spacing;
  return [
    { name: 'axial', width: nr, height: na, pixelMm: [sr, sa], ras: (c, row) => [rOf(c), hi[1] - row, cs], sides: { ...lr, top: 'A', bottom: 'P' } },
    { name: 'coronal', width: nr, height: ns, pixelMm: [sr, ss], ras: (c, row) => [rOf(c), ca, hi[2] - row], sides: { ...lr, top: 'S', bottom: 'I' } },
    { name: 'sagittal', width: na, height: ns, pixelMm: [sa, ss], ras: (c, row) => [cr, hi[1] - c, hi[2] - row], sides: { left: 'A', right: 'P', top: 'S', bottom: 'I' } },
  ];
}

/** The grey window of the scan: its 1st and 99th percentiles (on a regular sample of at most ~1M voxels). */
function greyWindow(scan: VolumeXYZ): [number, number] {
  const step = Math.max(1, Math.floor(scan.data.length / 1_000_000));
  const sample: number[] = [];
  for (let i = 0; i < scan.data.length; i += step) {
    const v = Number(scan.data[i]);
    if (Number.isFinite(v)) sample.push(v);
  }
  sample.sort((a, b) => a - b);
  if (sample.length === 0) return [0, 1];
  const lo = sample[Math.floor(0.01 * (sample.length - 1))]!;
  const hi = sample[Math.floor(0.99 * (sample.length - 1))]!;
  return hi > lo ? [lo, hi] : [lo, lo + 1];
}

/** Outline of a mask on a panel: the pixel edges between inside and outside, as one SVG path (pixel units). */
function outlinePath(panel: Panel, inside: (col: number, row: number) => boolean): string {
  const parts: string[] = [];
  const { width: w, height: h } = panel;
  for (let row = 0; row < h; row++) {
    for (let col = 0; col < w; col++) {
      if (!inside(col, row)) continue;
      if (row === 0 || !inside(col, row - 1)) parts.push(`M${col} ${row}h1`);
      if (row === h - 1 || !inside(col, row + 1)) parts.push(`M${col} ${row + 1}h1`);
      if (col === 0 || !inside(col - 1, row)) parts.push(`M${col} ${row}v1`);
      if (col === w - 1 || !inside(col + 1, row)) parts.push(`M${col + 1} ${row}v1`);
    }
  }
  return parts.join('');
}

/** The scan's pixels as horizontal runs of one grey level (64 levels), in pixel units. */
function greyRects(panel: Panel, grey: (col: number, row: number) => number): string {
  const out: string[] = [];
  for (let row = 0; row < panel.height; row++) {
    let start = 0;
    let level = grey(0, row);
    for (let col = 1; col <= panel.width; col++) {
      const next = col < panel.width ? grey(col, row) : -1;
      if (next !== level) {
        const v = Math.round((level * 255) / 63);
        out.push(`<rect x="${start}" y="${row}" width="${col - start}" height="1" fill="rgb(${v},${v},${v})"/>`);
        start = col;
        level = next;
      }
    }
  }
  return out.join('');
}

const CELL = 200;
const LABEL_W = 150;
const HEADER_H = 84;
const ROW_GAP = 26;

/**
 * The QC picture as an SVG document: one row per structure (its name, then axial, coronal and
 * sagittal slices through its centroid, each cropped to the structure's bounding box — prediction
 * and ground truth together — plus `marginMm`), the scan grey-windowed to its 1st–99th
 * percentiles, the outlines, the side letters of each view, a legend and the convention. A
 * structure that is empty in both prediction and ground truth gets a line saying so instead.
 * The centroid is the prediction's, or the ground truth's where nothing was predicted.
 * @throws MetricsError `BAD_OPTIONS` when the grids differ or the names and masks disagree.
 */
export function qcPictureSvg(input: QcPictureInput): string {
  const { scan, segmentation, structures } = input;
  const convention = input.convention ?? 'radiological';
  const margin = input.marginMm ?? 10;
  const same = (v: VolumeXYZ) => v.shapeXYZ.every((n, i) => n === scan.shapeXYZ[i]) && v.data.length === scan.data.length;
  if (!same(segmentation)) throw new MetricsError('BAD_OPTIONS', `QC picture: the segmentation's shape ${segmentation.shapeXYZ.join('×')} differs from the scan's ${scan.shapeXYZ.join('×')}`);
  if (input.groundTruth && (input.groundTruth.length !== structures.length || !input.groundTruth.every(same))) {
    throw new MetricsError('BAD_OPTIONS', `QC picture: ${input.groundTruth.length} ground-truth mask(s) for ${structures.length} structure(s), each on the scan's grid`);
  }
  const view = rasView(scan);
  const [wLo, wHi] = greyWindow(scan);
  const rows: string[] = [];
  structures.forEach((structure, k) => {
    const label = k + 1;
    const gt = input.groundTruth?.[k];
    const isPred = (i: number) => segmentation.data[i] === label;
    const isGt = (i: number) => (gt ? gt.data[i] === 1 : false);
    const sum = [0, 0, 0];
    let n = 0;
    const sumGt = [0, 0, 0];
    let nGt = 0;
    const lo: [number, number, number] = [Infinity, Infinity, Infinity];
    const hi: [number, number, number] = [-Infinity, -Infinity, -Infinity];
    const [NR, NA, NS] = view.shape;
    for (let s = 0; s < NS; s++) for (let a = 0; a < NA; a++) for (let r = 0; r < NR; r++) {
      const i = view.index(r, a, s);
      const p = isPred(i);
      const g = isGt(i);
      if (!p && !g) continue;
      if (p) { sum[0]! += r; sum[1]! += a; sum[2]! += s; n++; }
      if (g) { sumGt[0]! += r; sumGt[1]! += a; sumGt[2]! += s; nGt++; }
      const c = [r, a, s];
      for (let d = 0; d < 3; d++) { lo[d] = Math.min(lo[d]!, c[d]!); hi[d] = Math.max(hi[d]!, c[d]!); }
    }
    const y0 = HEADER_H + k * (CELL + ROW_GAP);
    const name = `<text x="8" y="${y0 + CELL / 2}" font-size="14" font-weight="bold">${escapeHtml(structure)}</text>`;
    if (n + nGt === 0) {
      rows.push(`${name}<text x="${LABEL_W}" y="${y0 + CELL / 2}" font-size="13" fill="#b00020">empty: nothing predicted${gt ? ' and no ground truth' : ''}</text>`);
      return;
    }
    const [cnt, sums] = n > 0 ? [n, sum] : [nGt, sumGt];
    const centre = sums.map((v) => Math.round(v / cnt)) as [number, number, number];
    const box: Box = { lo: [0, 0, 0], hi: [0, 0, 0] };
    for (let d = 0; d < 3; d++) {
      const m = Math.ceil(margin / view.spacing[d]!);
      box.lo[d] = Math.max(0, lo[d]! - m);
      box.hi[d] = Math.min(view.shape[d]! - 1, hi[d]! + m);
    }
    const note = n === 0 ? '<tspan fill="#b00020"> (empty prediction)</tspan>' : '';
    const parts = [name.replace('</text>', `${note}</text>`)];
    panels(view, centre, box, convention).forEach((panel, j) => {
      const wMm = panel.width * panel.pixelMm[0];
      const hMm = panel.height * panel.pixelMm[1];
      const scale = (CELL - 4) / Math.max(wMm, hMm);
      const [sx, sy] = [panel.pixelMm[0] * scale, panel.pixelMm[1] * scale];
      const x = LABEL_W + j * (CELL + 30) + (CELL - wMm * scale) / 2;
      const y = y0 + (CELL - hMm * scale) / 2;
      const idx = (c: number, row: number) => { const [r, a, s] = panel.ras(c, row); return view.index(r, a, s); };
      const grey = (c: number, row: number) => {
        const v = (Number(scan.data[idx(c, row)]) - wLo) / (wHi - wLo);
        return Math.max(0, Math.min(63, Math.round((Number.isFinite(v) ? v : 0) * 63)));
      };
      const stroke = 1.6 / Math.min(sx, sy);
      const gtPath = gt ? outlinePath(panel, (c, row) => isGt(idx(c, row))) : '';
      const predPath = outlinePath(panel, (c, row) => isPred(idx(c, row)));
      parts.push(`<g transform="translate(${x.toFixed(2)} ${y.toFixed(2)}) scale(${sx.toFixed(4)} ${sy.toFixed(4)})" shape-rendering="crispEdges">${greyRects(panel, grey)}</g>`);
      parts.push(`<g transform="translate(${x.toFixed(2)} ${y.toFixed(2)}) scale(${sx.toFixed(4)} ${sy.toFixed(4)})" fill="none" stroke-width="${stroke.toFixed(3)}" stroke-linecap="square">`
        + (gtPath ? `<path d="${gtPath}" stroke="${QC_COLOURS.groundTruth}"/>` : '')
        + (predPath ? `<path d="${predPath}" stroke="${QC_COLOURS.prediction}"/>` : '') + '</g>');
      const [pw, ph] = [wMm * scale, hMm * scale];
      const t = (tx: number, ty: number, s: string, anchor = 'middle') => `<text x="${tx.toFixed(1)}" y="${ty.toFixed(1)}" font-size="11" fill="#444" text-anchor="${anchor}">${s}</text>`;
      parts.push(t(x - 7, y + ph / 2 + 4, panel.sides.left), t(x + pw + 7, y + ph / 2 + 4, panel.sides.right),
        t(x + pw / 2, y - 3, panel.sides.top), t(x + pw / 2, y + ph + 11, panel.sides.bottom));
      if (k === 0) parts.push(`<text x="${LABEL_W + j * (CELL + 30) + CELL / 2}" y="${HEADER_H - 12}" font-size="12" text-anchor="middle" fill="#222">${panel.name}</text>`);
    });
    rows.push(parts.join(''));
  });
  const width = LABEL_W + 3 * (CELL + 30) + 10;
  const height = HEADER_H + structures.length * (CELL + ROW_GAP) + 4;
  const conventionLine = convention === 'radiological'
    ? "Radiological convention: the patient's right is on the picture's left (axial, coronal)."
    : "Neurological convention: the patient's left is on the picture's left (axial, coronal).";
  const legend = `<rect x="8" y="30" width="22" height="4" fill="${QC_COLOURS.prediction}"/><text x="36" y="36" font-size="12">predicted</text>`
    + (input.groundTruth ? `<rect x="112" y="30" width="22" height="4" fill="${QC_COLOURS.groundTruth}"/><text x="140" y="36" font-size="12">ground truth</text>` : '<text x="112" y="36" font-size="12" fill="#666">no ground truth</text>');
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="8" y="18" font-size="14" font-weight="bold">${escapeHtml(input.title)}</text>
${legend}
<text x="8" y="54" font-size="11" fill="#333">${escapeHtml(conventionLine)} Slices through each structure's centroid, ${margin} mm margin.</text>
${rows.join('\n')}
</svg>
`;
}

/** {@link qcPictureSvg} rendered to PNG by resvg. @throws MetricsError as {@link qcPictureSvg}. */
export function qcPicturePng(input: QcPictureInput): Uint8Array {
  return svgToPng(qcPictureSvg(input));
}
