/**
 * Reading an RTSTRUCT (from Seahorse or another tool) and rasterising its ROIs onto an image
 * grid, so that clinical contours can be the ground truth of an evaluation.
 *
 * Fill rule: even-odd per slice over the ROI's contours (a contour inside another is a hole), as
 * dcmrtstruct2nii does and as PS3.3 C.8.8.6 describes nested contours; plastimatch fills the
 * union instead. Pixels are inside when their centre is.
 */
import { readFileSync } from 'node:fs';
import { invertAffine, type GridXYZ, type Mat4, type VolumeXYZ } from '@seahorse/io';
import { fillEvenOdd } from './contours.js';
import { DicomError, DicomRtError } from './errors.js';
import { hasPart10Prefix, parseDataSet } from './header.js';
import { RTSTRUCT_SOP_CLASS_UID, lpsAffine } from './rtstruct-write.js';

type DataSet = ReturnType<typeof parseDataSet>;

/** One closed planar contour, patient coordinates (LPS, mm): x0, y0, z0, x1, … */
export interface RtContour {
  readonly geometricType: string;
  readonly points: Float64Array;
  readonly referencedSopInstanceUid: string | undefined;
}

export interface RtRoi {
  readonly number: number;
  readonly name: string;
  readonly color: readonly number[] | undefined;
  readonly interpretedType: string;
  readonly frameOfReferenceUid: string;
  readonly contours: readonly RtContour[];
}

export interface RtStructRead {
  readonly file: string;
  readonly frameOfReferenceUid: string;
  /** The image series the structure set references (first one listed). */
  readonly referencedSeriesInstanceUid: string;
  readonly rois: readonly RtRoi[];
}

const items = (ds: DataSet | undefined, t: string): DataSet[] =>
  (ds?.elements[t]?.items ?? []).map((i) => i.dataSet).filter((d): d is DataSet => d !== undefined);
const str = (ds: DataSet | undefined, t: string) => (ds?.string(t) ?? '').trim();
const nums = (ds: DataSet, t: string) => {
  const s = ds.string(t);
  return s ? s.split('\\').map(Number) : [];
};

/**
 * Reads an RTSTRUCT file.
 * @throws DicomError `PARSE_FAILED`/`READ_FAILED`; DicomRtError `NOT_RTSTRUCT`, `BAD_CONTOUR`.
 */
export function readRtStruct(file: string): RtStructRead {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(file));
  } catch (err) {
    throw new DicomError('READ_FAILED', file, `cannot read: ${(err as Error).message}`);
  }
  if (!hasPart10Prefix(bytes)) throw new DicomError('NOT_DICOM', file, 'not a DICOM Part 10 file (no DICM prefix at byte 128)');
  const ds = parseDataSet(file, bytes);
  const sopClass = str(ds, 'x00080016');
  if (sopClass !== RTSTRUCT_SOP_CLASS_UID && str(ds, 'x00080060') !== 'RTSTRUCT') {
    throw new DicomRtError('NOT_RTSTRUCT', file, `SOP class ${sopClass || 'missing'}, modality ${str(ds, 'x00080060') || 'missing'}: not an RT Structure Set`);
  }
  const forItem = items(ds, 'x30060010')[0];
  const seriesItem = items(items(forItem, 'x30060012')[0], 'x30060014')[0];
  const contoursBy = new Map<number, { color: number[] | undefined; contours: RtContour[] }>();
  for (const rc of items(ds, 'x30060039')) {
    const roi = Number(str(rc, 'x30060084'));
    const contours: RtContour[] = [];
    for (const [k, c] of items(rc, 'x30060040').entries()) {
      const points = Float64Array.from(nums(c, 'x30060050'));
      if (points.length % 3 !== 0 || points.some((v) => !Number.isFinite(v))) {
        throw new DicomRtError('BAD_CONTOUR', file, `ROI ${roi}, contour ${k + 1}: ContourData holds ${points.length} values, not finite x\\y\\z triplets`);
      }
      contours.push({ geometricType: str(c, 'x30060042'), points, referencedSopInstanceUid: str(items(c, 'x30060016')[0], 'x00081155') || undefined });
    }
    const color = nums(rc, 'x3006002a');
    contoursBy.set(roi, { color: color.length === 3 ? color : undefined, contours });
  }
  const types = new Map(items(ds, 'x30060080').map((o) => [Number(str(o, 'x30060084')), str(o, 'x300600a4')]));
  const rois = items(ds, 'x30060020').map((r): RtRoi => {
    const number = Number(str(r, 'x30060022'));
    const c = contoursBy.get(number);
    return {
      number, name: str(r, 'x30060026'), color: c?.color, interpretedType: types.get(number) ?? '',
      frameOfReferenceUid: str(r, 'x30060024'), contours: c?.contours ?? [],
    };
  });
  return { file, frameOfReferenceUid: str(forItem, 'x00200052'), referencedSeriesInstanceUid: str(seriesItem, 'x0020000e'), rois };
}

/** Options of {@link rasteriseRoi}. */
export interface RasteriseOptions {
  /** Largest distance of a contour point from the slice plane, in slices. Default 0.05. */
  readonly planeTolerance?: number;
}

/**
 * One ROI as a binary mask (`uint8`, 0/1) on `grid`.
 * @throws DicomRtError `BAD_ROIS` (no such ROI), `BAD_CONTOUR` (a contour off the grid's slices).
 */
export function rasteriseRoi(rt: RtStructRead, roiName: string, grid: GridXYZ, options: RasteriseOptions = {}): VolumeXYZ<Uint8Array> {
  const roi = rt.rois.find((r) => r.name === roiName);
  if (!roi) throw new DicomRtError('BAD_ROIS', rt.file, `no ROI named '${roiName}' (ROIs: ${rt.rois.map((r) => r.name).join(', ')})`);
  const [X, Y, Z] = grid.shapeXYZ;
  const inv = invertAffine(lpsAffine(grid) as Mat4);
  const tol = options.planeTolerance ?? 0.05;
  const bySlice = new Map<number, Float64Array[]>();
  for (const [k, c] of roi.contours.entries()) {
    if (c.geometricType === 'POINT' || c.points.length < 9) continue;
    const n = c.points.length / 3;
    const poly = new Float64Array(2 * n);
    let slice: number | undefined;
    for (let i = 0; i < n; i++) {
      const p = [c.points[3 * i]!, c.points[3 * i + 1]!, c.points[3 * i + 2]!];
      const idx = [0, 1, 2].map((r) => inv[4 * r]! * p[0]! + inv[4 * r + 1]! * p[1]! + inv[4 * r + 2]! * p[2]! + inv[4 * r + 3]!);
      const z = Math.round(idx[2]!);
      if (Math.abs(idx[2]! - z) > tol || (slice !== undefined && z !== slice)) {
        throw new DicomRtError('BAD_CONTOUR', rt.file, `ROI '${roiName}', contour ${k + 1}: point ${i + 1} lies at slice index ${idx[2]!.toFixed(3)}, not on one slice of the image grid`);
      }
      slice = z;
      poly[2 * i] = idx[0]!;
      poly[2 * i + 1] = idx[1]!;
    }
    if (slice! < 0 || slice! >= Z) continue;
    const list = bySlice.get(slice!) ?? [];
    list.push(poly);
    bySlice.set(slice!, list);
  }
  const data = new Uint8Array(X * Y * Z);
  for (const [z, polys] of bySlice) fillEvenOdd(polys, X, Y, data.subarray(z * X * Y, (z + 1) * X * Y));
  return { shapeXYZ: [X, Y, Z], affine: Float64Array.from(grid.affine), data, kind: 'label' };
}
