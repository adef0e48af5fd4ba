/**
 * `readDicomSeries`: a folder, zip or list of DICOM files → one 3-D {@link VolumeXYZ} and what a
 * DICOM-RT writer needs to reference it.
 */
import type { VolumeXYZ, VoxelArray } from '@seahorse/io';
import { DicomError } from './errors.js';
import { seriesGeometry, type PlacedPlane } from './geometry.js';
import { isImage, parseHeader, type ImageHeader } from './header.js';
import { assertDecodable, decodeFrame, type StoredFrame } from './pixels.js';
import { loadSource, type DicomSource } from './sources.js';
import type { ZipLimits } from './zip.js';

/**
 * Patient and study module values of the source, to echo into DICOM-RT objects so that a PACS
 * files them with the scan. **These identify a patient: they must never reach Temporal** (no
 * workflow input, activity result, heartbeat, log line or search attribute), nor any log. Only
 * the code that writes a DICOM file may read them.
 */
export interface PatientStudyModule {
  readonly PatientName: string;
  readonly PatientID: string;
  readonly PatientBirthDate: string;
  readonly PatientSex: string;
  readonly StudyInstanceUID: string;
  readonly StudyDate: string;
  readonly StudyTime: string;
  readonly StudyID: string;
  readonly AccessionNumber: string;
  readonly ReferringPhysicianName: string;
  readonly StudyDescription: string;
  readonly SpecificCharacterSet: string;
}

/** One z slice of the volume: the SOP instance (and frame, for multi-frame) it came from. */
export interface SliceReference {
  readonly sopClassUid: string;
  readonly sopInstanceUid: string;
  /** 1-based frame number for multi-frame images, else undefined. */
  readonly frameNumber: number | undefined;
}

/** What a series is, beyond its voxels. */
export interface DicomSeriesInfo {
  readonly seriesInstanceUid: string;
  readonly seriesNumber: number | undefined;
  readonly seriesDescription: string;
  readonly modality: string;
  readonly frameOfReferenceUid: string;
  readonly transferSyntaxUid: string;
  /** Per z index of the volume (slice 0 first). */
  readonly slices: readonly SliceReference[];
  /** The rescale applied: one slope and intercept for the series, or per slice. */
  readonly rescale: { slope: number; intercept: number } | 'per-slice';
  /** Identifying values: see {@link PatientStudyModule}. */
  readonly patientStudy: PatientStudyModule;
}

/** A series found in a source (what a "several series" error lists). */
export interface SeriesSummary {
  readonly seriesInstanceUid: string;
  readonly seriesNumber: number | undefined;
  readonly seriesDescription: string;
  readonly images: number;
}

export interface ReadDicomSeriesOptions {
  /** Which series, when the source holds several: its SeriesInstanceUID or its SeriesNumber. */
  readonly series?: string | number;
  readonly zipLimits?: ZipLimits;
}

export interface DicomSeriesRead {
  readonly volume: VolumeXYZ;
  readonly series: DicomSeriesInfo;
  /** Files skipped (not DICOM, or DICOM without pixels such as RTSTRUCT), named. */
  readonly warnings: readonly string[];
}

const PATIENT_STUDY_TAGS: Record<keyof PatientStudyModule, string> = {
  PatientName: 'x00100010', PatientID: 'x00100020', PatientBirthDate: 'x00100030', PatientSex: 'x00100040',
  StudyInstanceUID: 'x0020000d', StudyDate: 'x00080020', StudyTime: 'x00080030', StudyID: 'x00200010',
  AccessionNumber: 'x00080050', ReferringPhysicianName: 'x00080090', StudyDescription: 'x00081030',
  SpecificCharacterSet: 'x00080005',
};

function patientStudy(h: ImageHeader): PatientStudyModule {
  const out: Record<string, string> = {};
  for (const [k, t] of Object.entries(PATIENT_STUDY_TAGS)) out[k] = (h.dataSet.string(t) ?? '').trim();
  return out as unknown as PatientStudyModule;
}

function describe(s: SeriesSummary): string {
  return `${s.seriesInstanceUid} (series number ${s.seriesNumber ?? 'none'}${s.seriesDescription ? `, '${s.seriesDescription}'` : ''}, ${s.images} images)`;
}

/** The series of a set of parsed images, in series-number order. */
export function summariseSeries(images: readonly ImageHeader[]): SeriesSummary[] {
  const by = new Map<string, SeriesSummary>();
  for (const h of images) {
    const s = by.get(h.seriesInstanceUid);
    by.set(h.seriesInstanceUid, s ? { ...s, images: s.images + h.numberOfFrames } : {
      seriesInstanceUid: h.seriesInstanceUid, seriesNumber: h.seriesNumber, seriesDescription: h.seriesDescription, images: h.numberOfFrames,
    });
  }
  return [...by.values()].sort((a, b) => (a.seriesNumber ?? 0) - (b.seriesNumber ?? 0) || a.seriesInstanceUid.localeCompare(b.seriesInstanceUid));
}

function chooseSeries(label: string, images: readonly ImageHeader[], choice: string | number | undefined): string {
  const all = summariseSeries(images);
  if (choice === undefined) {
    if (all.length === 1) return all[0]!.seriesInstanceUid;
    throw new DicomError('SEVERAL_SERIES', label,
      `${all.length} series; choose one by SeriesInstanceUID or series number: ${all.map(describe).join('; ')}`);
  }
  const matches = all.filter((s) => (typeof choice === 'number' ? s.seriesNumber === choice : s.seriesInstanceUid === choice));
  if (matches.length === 1) return matches[0]!.seriesInstanceUid;
  if (matches.length > 1) {
    throw new DicomError('SEVERAL_SERIES', label, `series number ${choice} names ${matches.length} series; choose by SeriesInstanceUID: ${matches.map(describe).join('; ')}`);
  }
  throw new DicomError('SERIES_NOT_FOUND', label, `no series ${typeof choice === 'number' ? `number ${choice}` : choice}; found: ${all.map(describe).join('; ')}`);
}

function assertSamePixelFormat(label: string, images: readonly ImageHeader[]): void {
  const f = images[0]!;
  for (const h of images) {
    for (const k of ['rows', 'columns', 'bitsAllocated', 'pixelRepresentation', 'samplesPerPixel'] as const) {
      if (h[k] !== f[k]) throw new DicomError('INCONSISTENT_SLICES', label, `${k} is ${f[k]} in ${f.file} but ${h[k]} in ${h.file}`);
    }
  }
}

type Ref = { header: ImageHeader; frameIndex: number };

function outputArray(first: StoredFrame, identity: boolean, length: number): VoxelArray {
  if (!identity) return new Float64Array(length);
  const Ctor = first.constructor as new (n: number) => VoxelArray;
  return new Ctor(length);
}

/**
 * Reads one 3-D series.
 *
 * - **Source:** a folder (searched recursively; files without the DICM prefix and DICOM objects
 *   without pixels, such as an RTSTRUCT, are skipped with a warning), a `.zip` (see
 *   {@link ZipLimits}), a single file (an enhanced multi-frame image), or a list of files.
 * - **Geometry:** see `seriesGeometry`: sorted along the normal, spacing from positions, RAS affine.
 * - **Values:** `stored × RescaleSlope + RescaleIntercept`, per slice (the standard, display
 *   values; for Philips, this equals dcm2niix `-p n` and SimpleITK, not dcm2niix's default
 *   "precise" values). Identity rescale keeps the stored integer type; any other gives float64 (as `@seahorse/io` reads scaled NIfTI).
 *
 * @throws DicomError naming the source and the reason (see {@link DicomErrorCode}).
 * @example
 * const { volume, series } = await readDicomSeries('scans/philips_sag_mprage_jpegll');
 */
export async function readDicomSeries(source: DicomSource, options: ReadDicomSeriesOptions = {}): Promise<DicomSeriesRead> {
  const loaded = await loadSource(source, options.zipLimits);
  const warnings: string[] = [];
  const images: ImageHeader[] = [];
  for (const f of loaded.files) {
    const h = parseHeader(f);
    if (h === undefined) warnings.push(`${f.name}: skipped, not a DICOM Part 10 file`);
    else if (!isImage(h)) warnings.push(`${f.name}: skipped, ${h.modality || 'DICOM'} object without pixel data`);
    else images.push(h);
  }
  if (images.length === 0) {
    throw new DicomError('NO_IMAGES', loaded.label, `no DICOM image found among ${loaded.files.length} files`);
  }
  const uid = chooseSeries(loaded.label, images, options.series);
  const chosen = images.filter((h) => h.seriesInstanceUid === uid);
  assertSamePixelFormat(loaded.label, chosen);
  for (const h of chosen) assertDecodable(h);
  const planes: PlacedPlane<Ref>[] = chosen.flatMap((header) => header.frames.map((plane) => ({
    plane, ref: { header, frameIndex: plane.frameIndex }, instanceNumber: header.instanceNumber,
  })));
  const first = chosen[0]!;
  const geometry = seriesGeometry(loaded.label, planes, first.rows, first.columns);
  const slopes = new Set(geometry.slices.map((s) => `${s.plane.rescaleSlope}/${s.plane.rescaleIntercept}`));
  const identity = slopes.size === 1 && geometry.slices[0]!.plane.rescaleSlope === 1 && geometry.slices[0]!.plane.rescaleIntercept === 0;
  const sliceSize = first.rows * first.columns;
  let data: VoxelArray | undefined;
  for (let z = 0; z < geometry.slices.length; z++) {
    const { plane, ref } = geometry.slices[z]!;
    const stored = await decodeFrame(ref.header, ref.frameIndex);
    data ??= outputArray(stored, identity, sliceSize * geometry.slices.length);
    const out = data.subarray(z * sliceSize, (z + 1) * sliceSize);
    if (identity) out.set(stored);
    else {
      const { rescaleSlope: m, rescaleIntercept: b } = plane;
      for (let i = 0; i < sliceSize; i++) out[i] = stored[i]! * m + b;
    }
  }
  const p0 = geometry.slices[0]!.plane;
  return {
    volume: { shapeXYZ: [first.columns, first.rows, geometry.slices.length], affine: geometry.affine, data: data!, kind: 'intensity' },
    series: {
      seriesInstanceUid: uid,
      seriesNumber: first.seriesNumber,
      seriesDescription: first.seriesDescription,
      modality: first.modality,
      frameOfReferenceUid: first.frameOfReferenceUid,
      transferSyntaxUid: first.transferSyntaxUid,
      slices: geometry.slices.map(({ ref }) => ({
        sopClassUid: ref.header.sopClassUid,
        sopInstanceUid: ref.header.sopInstanceUid,
        frameNumber: ref.header.numberOfFrames > 1 ? ref.frameIndex + 1 : undefined,
      })),
      rescale: slopes.size === 1 ? { slope: p0.rescaleSlope, intercept: p0.rescaleIntercept } : 'per-slice',
      patientStudy: patientStudy(first),
    },
    warnings,
  };
}
