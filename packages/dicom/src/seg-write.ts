/**
 * DICOM SEG (binary) of a label volume on the source series' grid: one segment per ROI, one
 * frame per segment and slice that holds any of it, each frame referencing its source image and
 * carrying its plane position; 1-bit pixels packed across frames (PS3.5 8.1.1).
 */
import { FileWriteError, writeFileAtomic } from '@seahorse/files';
import type { GridXYZ, VolumeXYZ } from '@seahorse/io';
import { DicomRtError } from './errors.js';
import { encodePart10, type NaturalDataset } from './part10.js';
import type { DicomSeriesInfo } from './read-series.js';
import {
  checkSegmentation, commonModules, lpsAffine, RESEARCH_USE_STATEMENT, type DicomRtWriterOptions, type RoiDefinition,
} from './rtstruct-write.js';
import { dicomDateTime, newUid } from './uid.js';

export const SEG_SOP_CLASS_UID = '1.2.840.10008.5.1.4.1.1.66.4';

/** A coded concept (code value, scheme, meaning). */
export interface CodedConcept {
  readonly value: string;
  readonly scheme: string;
  readonly meaning: string;
}

/** What a segment is, coded: category, type and an optional modifier (laterality). */
export interface SegmentCodes {
  readonly category: CodedConcept;
  readonly type: CodedConcept;
  readonly modifier?: CodedConcept;
}

const SCT = (value: string, meaning: string): CodedConcept => ({ value, scheme: 'SCT', meaning });
const ANATOMY = SCT('91723000', 'Anatomical Structure');
const HIPPOCAMPUS = SCT('5366008', 'Hippocampus');

/** Codes by ROI name for InnerEye's and the MSD's hippocampus classes; anything else is coded as Tissue. */
export function segmentCodes(name: string): SegmentCodes {
  const n = name.toLowerCase();
  if (n === 'hippocampus_l') return { category: ANATOMY, type: HIPPOCAMPUS, modifier: SCT('7771000', 'Left') };
  if (n === 'hippocampus_r') return { category: ANATOMY, type: HIPPOCAMPUS, modifier: SCT('24028007', 'Right') };
  if (n.includes('hippocampus') || n === 'anterior' || n === 'posterior') return { category: ANATOMY, type: HIPPOCAMPUS };
  return { category: SCT('85756007', 'Tissue'), type: SCT('85756007', 'Tissue') };
}

const code = (c: CodedConcept) => ({ CodeValue: c.value, CodingSchemeDesignator: c.scheme, CodeMeaning: c.meaning });
// DS values hold at most 16 characters: 10 significant digits always fit.
const ds = (v: number) => Number(v.toPrecision(10));

/**
 * The SEG data set's bytes.
 * @throws DicomRtError `BAD_SEGMENTATION`, `BAD_ROIS`.
 */
export function encodeSeg(
  file: string, segmentation: VolumeXYZ, image: GridXYZ, series: DicomSeriesInfo, rois: readonly RoiDefinition[], options: DicomRtWriterOptions = {},
): { bytes: Uint8Array; sopInstanceUid: string; frames: number } {
  checkSegmentation(file, segmentation, image, rois, series);
  const [X, Y, Z] = segmentation.shapeXYZ;
  const lps = lpsAffine(image);
  const col = (c: number) => [lps[c]!, lps[4 + c]!, lps[8 + c]!];
  const norm = (v: number[]) => Math.hypot(v[0]!, v[1]!, v[2]!);
  const [cx, cy, cz] = [col(0), col(1), col(2)];
  const [sx, sy, sz] = [norm(cx), norm(cy), norm(cz)];
  const orientation = [...cx.map((v) => ds(v / sx)), ...cy.map((v) => ds(v / sy))];
  const frames: { roi: number; z: number }[] = [];
  for (const [r, roi] of rois.entries()) {
    for (let z = 0; z < Z; z++) {
      const base = z * X * Y;
      for (let i = 0; i < X * Y; i++) if (segmentation.data[base + i] === roi.label) { frames.push({ roi: r, z }); break; }
    }
  }
  const pixels = new Uint8Array(Math.ceil((frames.length * X * Y) / 8 / 2) * 2);
  frames.forEach(({ roi, z }, f) => {
    const label = rois[roi]!.label;
    const base = z * X * Y;
    for (let i = 0; i < X * Y; i++) {
      if (segmentation.data[base + i] === label) {
        const bit = f * X * Y + i;
        pixels[bit >> 3]! |= 1 << (bit & 7);
      }
    }
  });
  const out = commonModules(series, options, 'SEG', SEG_SOP_CLASS_UID);
  const now = dicomDateTime(options.now ?? new Date());
  const dimensionOrganization = newUid();
  const sourceRef = (z: number) => {
    const s = series.slices[z]!;
    const ref: NaturalDataset = {
      ReferencedSOPClassUID: s.sopClassUid, ReferencedSOPInstanceUID: s.sopInstanceUid,
      PurposeOfReferenceCodeSequence: [{ CodeValue: '121322', CodingSchemeDesignator: 'DCM', CodeMeaning: 'Source image for image processing operation' }],
      // The SEG is on the source grid, pixel for pixel.
      SpatialLocationsPreserved: 'YES',
    };
    if (s.frameNumber !== undefined) ref.ReferencedFrameNumber = s.frameNumber;
    return ref;
  };
  Object.assign(out, {
    FrameOfReferenceUID: series.frameOfReferenceUid,
    PositionReferenceIndicator: '',
    DeviceSerialNumber: '0',
    ImageType: ['DERIVED', 'PRIMARY'],
    ContentDate: now.date,
    ContentTime: now.time,
    ContentLabel: 'SEAHORSE',
    ContentDescription: RESEARCH_USE_STATEMENT.slice(0, 64),
    ContentCreatorName: '',
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: Y,
    Columns: X,
    BitsAllocated: 1,
    BitsStored: 1,
    HighBit: 0,
    PixelRepresentation: 0,
    LossyImageCompression: '00',
    SegmentationType: 'BINARY',
    NumberOfFrames: frames.length,
    SegmentSequence: rois.map((roi, r) => {
      const c = segmentCodes(roi.name);
      const item: NaturalDataset = {
        SegmentNumber: r + 1,
        SegmentLabel: roi.name,
        SegmentDescription: 'NOT FOR CLINICAL USE',
        SegmentAlgorithmType: 'AUTOMATIC',
        SegmentAlgorithmName: (options.modelName ?? 'model').slice(0, 64),
        SegmentedPropertyCategoryCodeSequence: [code(c.category)],
        // The modifier (laterality) sits inside the type's code item (PS3.3 C.8.20.2, Table 10-23).
        SegmentedPropertyTypeCodeSequence: [c.modifier ? { ...code(c.type), SegmentedPropertyTypeModifierCodeSequence: [code(c.modifier)] } : code(c.type)],
      };
      return item;
    }),
    DimensionOrganizationSequence: [{ DimensionOrganizationUID: dimensionOrganization }],
    DimensionIndexSequence: [
      { DimensionOrganizationUID: dimensionOrganization, DimensionIndexPointer: 0x0062000b, FunctionalGroupPointer: 0x0062000a, DimensionDescriptionLabel: 'ReferencedSegmentNumber' },
      { DimensionOrganizationUID: dimensionOrganization, DimensionIndexPointer: 0x00200032, FunctionalGroupPointer: 0x00209113, DimensionDescriptionLabel: 'ImagePositionPatient' },
    ],
    SharedFunctionalGroupsSequence: [{
      PixelMeasuresSequence: [{ PixelSpacing: [ds(sy), ds(sx)], SliceThickness: ds(sz), SpacingBetweenSlices: ds(sz) }],
      PlaneOrientationSequence: [{ ImageOrientationPatient: orientation }],
    }],
    PerFrameFunctionalGroupsSequence: frames.map(({ roi, z }) => ({
      FrameContentSequence: [{ DimensionIndexValues: [roi + 1, z + 1] }],
      PlanePositionSequence: [{ ImagePositionPatient: [0, 1, 2].map((r) => ds(lps[4 * r + 2]! * z + lps[4 * r + 3]!)) }],
      SegmentIdentificationSequence: [{ ReferencedSegmentNumber: roi + 1 }],
      DerivationImageSequence: [{
        SourceImageSequence: [sourceRef(z)],
        DerivationCodeSequence: [{ CodeValue: '113076', CodingSchemeDesignator: 'DCM', CodeMeaning: 'Segmentation' }],
      }],
    })),
    ReferencedSeriesSequence: [{
      SeriesInstanceUID: series.seriesInstanceUid,
      ReferencedInstanceSequence: [...new Map(series.slices.map((s) => [s.sopInstanceUid, s])).values()].map((s) => ({
        ReferencedSOPClassUID: s.sopClassUid, ReferencedSOPInstanceUID: s.sopInstanceUid,
      })),
    }],
    PixelData: [pixels.buffer],
    _vrMap: { PixelData: 'OB' },
  });
  return { bytes: encodePart10(out), sopInstanceUid: out.SOPInstanceUID as string, frames: frames.length };
}

/** Writes a DICOM SEG atomically. */
export function writeSeg(
  file: string, segmentation: VolumeXYZ, image: GridXYZ, series: DicomSeriesInfo, rois: readonly RoiDefinition[], options: DicomRtWriterOptions = {},
): { sopInstanceUid: string; frames: number } {
  const { bytes, ...summary } = encodeSeg(file, segmentation, image, series, rois, options);
  try {
    writeFileAtomic(file, bytes, { createFolder: true });
  } catch (err) {
    if (err instanceof FileWriteError) throw new DicomRtError('WRITE_FAILED', file, err.message);
    throw err;
  }
  return summary;
}
