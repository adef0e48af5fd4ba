/**
 * RTSTRUCT from a label volume on the source series' grid: one ROI per foreground class, closed
 * planar outer contours per slice in patient coordinates (LPS, mm), each referencing the image
 * (SOP instance, and frame for multi-frame) of its slice; patient and study echoed from the
 * source; the software and a research-use statement in the headers.
 */
import { writeFileAtomic, FileWriteError } from '@seahorse/files';
import { assertSameSpace, SpaceMismatchError, type GridXYZ, type VolumeXYZ } from '@seahorse/io';
import { outerContours } from './contours.js';
import { DicomRtError } from './errors.js';
import { encodePart10, SEAHORSE_VERSION, type NaturalDataset } from './part10.js';
import type { DicomSeriesInfo } from './read-series.js';
import { dicomDateTime, newUid } from './uid.js';

export const RTSTRUCT_SOP_CLASS_UID = '1.2.840.10008.5.1.4.1.1.481.3';
/** The SOP class RTReferencedStudySequence names (Detached Study Management, retired, as PS3.3 requires). */
const STUDY_SOP_CLASS_UID = '1.2.840.10008.3.1.2.3.1';

/** The statement written into every Seahorse DICOM-RT object. */
export const RESEARCH_USE_STATEMENT = 'Seahorse research segmentation. NOT FOR CLINICAL USE: not a medical device, not validated for diagnosis or treatment planning.';

/** One structure: which label value, its name, colour and interpreted type. */
export interface RoiDefinition {
  /** The voxel value of this class in the segmentation (1, 2, …). */
  readonly label: number;
  readonly name: string;
  /** RGB 0–255. Default white, as InnerEye's Hippocampus config. */
  readonly color?: readonly [number, number, number];
  /** RTROIInterpretedType. Default `'ORGAN'`. */
  readonly interpretedType?: string;
}

export interface DicomRtWriterOptions {
  /** Written as Manufacturer (default `'Seahorse'`) and SoftwareVersions (default `'seahorse <version>'`). */
  readonly software?: { readonly name: string; readonly version: string };
  /** The model's name, written as ManufacturerModelName. */
  readonly modelName?: string;
  /** SeriesDescription. Default `'Seahorse segmentation (research use)'`. */
  readonly seriesDescription?: string;
  /** SeriesNumber of the new series. Default 9000 + the source's series number. */
  readonly seriesNumber?: number;
  /** When the object was made. Default now. */
  readonly now?: Date;
  /** RTROIObservations' ROIGenerationAlgorithm (RTSTRUCT only). Default `'AUTOMATIC'`; InnerEye's service writes `'SEMIAUTOMATIC'`. */
  readonly roiGenerationAlgorithm?: 'AUTOMATIC' | 'SEMIAUTOMATIC' | 'MANUAL';
}

/** What was written. */
export interface RtStructSummary {
  readonly sopInstanceUid: string;
  readonly seriesInstanceUid: string;
  /** Contours per ROI name. */
  readonly contours: Readonly<Record<string, number>>;
}

const round = (v: number) => Math.round(v * 1e4) / 1e4 + 0;

/** Checks the segmentation against the image grid and the ROI list. */
export function checkSegmentation(file: string, segmentation: VolumeXYZ, image: GridXYZ, rois: readonly RoiDefinition[], series: DicomSeriesInfo): void {
  try {
    assertSameSpace(segmentation, image, { names: ['segmentation', 'source series'] });
  } catch (err) {
    if (err instanceof SpaceMismatchError) throw new DicomRtError('BAD_SEGMENTATION', file, `the segmentation is not on the source series' grid: ${err.message}`);
    throw err;
  }
  if (series.slices.length !== image.shapeXYZ[2]) {
    throw new DicomRtError('BAD_SEGMENTATION', file, `the series has ${series.slices.length} slices, the grid ${image.shapeXYZ[2]}`);
  }
  const labels = new Set<number>();
  const names = new Set<string>();
  for (const r of rois) {
    if (!Number.isInteger(r.label) || r.label < 1) throw new DicomRtError('BAD_ROIS', file, `ROI '${r.name}': label ${r.label} is not a positive integer`);
    if (labels.has(r.label) || names.has(r.name)) throw new DicomRtError('BAD_ROIS', file, `ROI '${r.name}' (label ${r.label}) is listed twice`);
    if (r.name.length === 0 || r.name.length > 64) throw new DicomRtError('BAD_ROIS', file, `ROI name '${r.name}' must be 1 to 64 characters`);
    labels.add(r.label);
    names.add(r.name);
  }
}

/** The LPS voxel → patient transform of a grid (io's affine is RAS). */
export function lpsAffine(grid: GridXYZ): Float64Array {
  const a = Float64Array.from(grid.affine);
  for (let c = 0; c < 4; c++) {
    a[c] = -a[c]!;
    a[4 + c] = -a[4 + c]!;
  }
  return a;
}

/** Patient/study/equipment/series values shared by the RTSTRUCT and SEG writers. */
export function commonModules(series: DicomSeriesInfo, options: DicomRtWriterOptions, modality: string, sopClassUid: string): NaturalDataset {
  const now = dicomDateTime(options.now ?? new Date());
  const ps = series.patientStudy;
  const software = options.software ?? { name: 'Seahorse', version: SEAHORSE_VERSION };
  const sopInstanceUid = newUid();
  const ds: NaturalDataset = {
    SOPClassUID: sopClassUid,
    SOPInstanceUID: sopInstanceUid,
    InstanceCreationDate: now.date,
    InstanceCreationTime: now.time,
    // Patient and General Study: echoed, so the archive files the result with the scan.
    PatientName: ps.PatientName,
    PatientID: ps.PatientID,
    PatientBirthDate: ps.PatientBirthDate,
    PatientSex: ps.PatientSex,
    StudyInstanceUID: ps.StudyInstanceUID || newUid(),
    StudyDate: ps.StudyDate,
    StudyTime: ps.StudyTime,
    ReferringPhysicianName: ps.ReferringPhysicianName,
    StudyID: ps.StudyID,
    AccessionNumber: ps.AccessionNumber,
    Modality: modality,
    SeriesInstanceUID: newUid(),
    SeriesNumber: options.seriesNumber ?? 9000 + (series.seriesNumber ?? 0),
    SeriesDate: now.date,
    SeriesTime: now.time,
    SeriesDescription: (options.seriesDescription ?? 'Seahorse segmentation (research use)').slice(0, 64),
    OperatorsName: '',
    Manufacturer: software.name,
    ManufacturerModelName: (options.modelName ?? 'unknown').slice(0, 64),
    SoftwareVersions: `${software.name.toLowerCase()} ${software.version}`.slice(0, 64),
    InstanceNumber: 1,
  };
  if (ps.StudyDescription) ds.StudyDescription = ps.StudyDescription;
  if (ps.SpecificCharacterSet) ds.SpecificCharacterSet = ps.SpecificCharacterSet;
  return ds;
}

/**
 * The RTSTRUCT data set's bytes.
 * @param file - The file name errors name.
 * @throws DicomRtError `BAD_SEGMENTATION` (grid or slices differ), `BAD_ROIS`.
 */
export function encodeRtStruct(
  file: string, segmentation: VolumeXYZ, image: GridXYZ, series: DicomSeriesInfo, rois: readonly RoiDefinition[], options: DicomRtWriterOptions = {},
): { bytes: Uint8Array; summary: RtStructSummary } {
  checkSegmentation(file, segmentation, image, rois, series);
  const [X, Y, Z] = segmentation.shapeXYZ;
  const lps = lpsAffine(image);
  const contourImage = (z: number) => {
    const s = series.slices[z]!;
    const ref: NaturalDataset = { ReferencedSOPClassUID: s.sopClassUid, ReferencedSOPInstanceUID: s.sopInstanceUid };
    if (s.frameNumber !== undefined) ref.ReferencedFrameNumber = s.frameNumber;
    return ref;
  };
  const slice = new Uint8Array(X * Y);
  const contourSeqs = rois.map(() => [] as NaturalDataset[]);
  for (let z = 0; z < Z; z++) {
    for (const [r, roi] of rois.entries()) {
      let any = false;
      for (let i = 0; i < X * Y; i++) {
        const on = segmentation.data[z * X * Y + i] === roi.label ? 1 : 0;
        slice[i] = on;
        any ||= on === 1;
      }
      if (!any) continue;
      for (const poly of outerContours(slice, X, Y)) {
        const n = poly.length / 2;
        const data: number[] = new Array(3 * n);
        for (let k = 0; k < n; k++) {
          const x = poly[2 * k]!, y = poly[2 * k + 1]!;
          for (let row = 0; row < 3; row++) data[3 * k + row] = round(lps[4 * row]! * x + lps[4 * row + 1]! * y + lps[4 * row + 2]! * z + lps[4 * row + 3]!);
        }
        contourSeqs[r]!.push({
          ContourImageSequence: [contourImage(z)],
          ContourGeometricType: 'CLOSED_PLANAR',
          NumberOfContourPoints: n,
          ContourNumber: contourSeqs[r]!.length + 1,
          ContourData: data,
        });
      }
    }
  }
  const ds = commonModules(series, options, 'RTSTRUCT', RTSTRUCT_SOP_CLASS_UID);
  const now = dicomDateTime(options.now ?? new Date());
  Object.assign(ds, {
    // Frame of Reference module: the source's, so the contours lie in the scan's patient space.
    FrameOfReferenceUID: series.frameOfReferenceUid,
    PositionReferenceIndicator: '',
    StructureSetLabel: 'Seahorse',
    StructureSetName: (options.modelName ?? 'segmentation').slice(0, 64),
    StructureSetDescription: RESEARCH_USE_STATEMENT,
    StructureSetDate: now.date,
    StructureSetTime: now.time,
    ReferencedFrameOfReferenceSequence: [{
      FrameOfReferenceUID: series.frameOfReferenceUid,
      RTReferencedStudySequence: [{
        ReferencedSOPClassUID: STUDY_SOP_CLASS_UID,
        ReferencedSOPInstanceUID: ds.StudyInstanceUID,
        RTReferencedSeriesSequence: [{
          SeriesInstanceUID: series.seriesInstanceUid,
          ContourImageSequence: series.slices.map((_, z) => contourImage(z)),
        }],
      }],
    }],
    StructureSetROISequence: rois.map((roi, r) => ({
      ROINumber: r + 1,
      ReferencedFrameOfReferenceUID: series.frameOfReferenceUid,
      ROIName: roi.name,
      ROIDescription: 'NOT FOR CLINICAL USE',
      ROIGenerationAlgorithm: options.roiGenerationAlgorithm ?? 'AUTOMATIC',
      ROIGenerationDescription: `${options.modelName ?? 'model'} (Seahorse, research use)`.slice(0, 64),
    })),
    ROIContourSequence: rois.map((roi, r) => {
      const item: NaturalDataset = { ReferencedROINumber: r + 1, ROIDisplayColor: [...(roi.color ?? [255, 255, 255])] };
      if (contourSeqs[r]!.length > 0) item.ContourSequence = contourSeqs[r];
      return item;
    }),
    RTROIObservationsSequence: rois.map((roi, r) => ({
      ObservationNumber: r + 1,
      ReferencedROINumber: r + 1,
      RTROIInterpretedType: roi.interpretedType ?? 'ORGAN',
      ROIInterpreter: '',
    })),
  });
  const contours = Object.fromEntries(rois.map((roi, r) => [roi.name, contourSeqs[r]!.length]));
  return {
    bytes: encodePart10(ds),
    summary: { sopInstanceUid: ds.SOPInstanceUID as string, seriesInstanceUid: ds.SeriesInstanceUID as string, contours },
  };
}

/**
 * Writes an RTSTRUCT atomically (a reader sees the old file or the whole new one).
 * @example
 * const { volume, series } = await readDicomSeries(dir);
 * writeRtStruct('out/rtstruct.dcm', segmentation, volume, series, [{ label: 1, name: 'hippocampus_L' }, { label: 2, name: 'hippocampus_R' }]);
 */
export function writeRtStruct(
  file: string, segmentation: VolumeXYZ, image: GridXYZ, series: DicomSeriesInfo, rois: readonly RoiDefinition[], options: DicomRtWriterOptions = {},
): RtStructSummary {
  const { bytes, summary } = encodeRtStruct(file, segmentation, image, series, rois, options);
  try {
    writeFileAtomic(file, bytes, { createFolder: true });
  } catch (err) {
    if (err instanceof FileWriteError) throw new DicomRtError('WRITE_FAILED', file, err.message);
    throw err;
  }
  return summary;
}
