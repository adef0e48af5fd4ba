/**
 * One DICOM file's header, parsed with dicom-parser into what the series reader needs: the
 * series it belongs to, the pixel format, and each frame's plane (position, orientation, spacing)
 * and rescale. Classic images have one frame; enhanced multi-frame images take their per-frame
 * values from the functional group sequences (per-frame first, then shared).
 */
import { inflateRawSync } from 'node:zlib';
import dicomParser from 'dicom-parser';
import { DicomError } from './errors.js';
import type { SourceFile } from './sources.js';

type DataSet = dicomParser.DataSet;

/** The plane and value mapping of one frame, LPS as in DICOM. */
export interface FramePlane {
  /** 0-based frame number in the file. */
  readonly frameIndex: number;
  /** ImagePositionPatient: the centre of the first voxel, mm, LPS. */
  readonly position: readonly [number, number, number];
  /** ImageOrientationPatient: row direction (along a row, increasing column) then column direction. */
  readonly orientation: readonly [number, number, number, number, number, number];
  /** PixelSpacing: `[between rows, between columns]`, mm. */
  readonly pixelSpacing: readonly [number, number];
  readonly rescaleSlope: number;
  readonly rescaleIntercept: number;
}

/** A parsed image file. */
export interface ImageHeader {
  readonly file: string;
  readonly dataSet: DataSet;
  readonly transferSyntaxUid: string;
  readonly sopClassUid: string;
  readonly sopInstanceUid: string;
  readonly seriesInstanceUid: string;
  readonly seriesNumber: number | undefined;
  readonly seriesDescription: string;
  readonly frameOfReferenceUid: string;
  readonly modality: string;
  readonly instanceNumber: number | undefined;
  readonly rows: number;
  readonly columns: number;
  readonly bitsAllocated: number;
  readonly bitsStored: number;
  readonly pixelRepresentation: number;
  readonly samplesPerPixel: number;
  readonly photometricInterpretation: string;
  readonly numberOfFrames: number;
  /** True for Enhanced MR/CT/PET (per-frame functional groups). */
  readonly enhanced: boolean;
  readonly frames: readonly FramePlane[];
  /** GantryDetectorTilt (0018,1120), degrees, when present. */
  readonly gantryTilt: number | undefined;
}

/** A file that parsed but is not an image (RTSTRUCT, SR, DICOMDIR, presentation state …). */
export interface NonImage {
  readonly file: string;
  readonly modality: string;
  readonly sopClassUid: string;
}

const tag = (group: number, element: number) =>
  `x${group.toString(16).padStart(4, '0')}${element.toString(16).padStart(4, '0')}`;

export const TAGS = {
  transferSyntax: tag(0x0002, 0x0010),
  sopClass: tag(0x0008, 0x0016), sopInstance: tag(0x0008, 0x0018), modality: tag(0x0008, 0x0060),
  seriesInstance: tag(0x0020, 0x000e), seriesNumber: tag(0x0020, 0x0011), seriesDescription: tag(0x0008, 0x103e),
  frameOfReference: tag(0x0020, 0x0052), instanceNumber: tag(0x0020, 0x0013),
  position: tag(0x0020, 0x0032), orientation: tag(0x0020, 0x0037), pixelSpacing: tag(0x0028, 0x0030),
  rows: tag(0x0028, 0x0010), columns: tag(0x0028, 0x0011), bitsAllocated: tag(0x0028, 0x0100),
  bitsStored: tag(0x0028, 0x0101), pixelRepresentation: tag(0x0028, 0x0103), samplesPerPixel: tag(0x0028, 0x0002),
  photometric: tag(0x0028, 0x0004), numberOfFrames: tag(0x0028, 0x0008),
  slope: tag(0x0028, 0x1053), intercept: tag(0x0028, 0x1052), gantryTilt: tag(0x0018, 0x1120),
  pixelData: tag(0x7fe0, 0x0010),
  sharedGroups: tag(0x5200, 0x9229), perFrameGroups: tag(0x5200, 0x9230),
  pixelMeasures: tag(0x0028, 0x9110), planePosition: tag(0x0020, 0x9113), planeOrientation: tag(0x0020, 0x9116),
  valueTransformation: tag(0x0028, 0x9145),
} as const;

/** The most bytes a deflated data set may inflate to (a deflate bomb guard). */
const MAX_INFLATED = 2 * 1024 ** 3;

function numbers(ds: DataSet, t: string): number[] | undefined {
  const s = ds.string(t);
  if (s === undefined || s.trim() === '') return undefined;
  const out = s.split('\\').map((v) => Number(v.trim()));
  return out.every((v) => Number.isFinite(v)) ? out : undefined;
}

function firstNumber(ds: DataSet, t: string): number | undefined {
  return numbers(ds, t)?.[0];
}

function item(ds: DataSet | undefined, t: string, index = 0): DataSet | undefined {
  return ds?.elements[t]?.items?.[index]?.dataSet;
}

/** Parses DICOM Part 10 bytes; the thrown message names the file. */
export function parseDataSet(file: string, bytes: Uint8Array): DataSet {
  try {
    return dicomParser.parseDicom(bytes, {
      inflater: (byteArray: Uint8Array, position: number) => {
        const inflated = inflateRawSync(byteArray.subarray(position), { maxOutputLength: MAX_INFLATED });
        const full = new Uint8Array(position + inflated.length);
        full.set(byteArray.subarray(0, position), 0);
        full.set(inflated, position);
        return full;
      },
    } as dicomParser.ParseDicomOptions);
  } catch (err) {
    const e = err as { exception?: unknown; message?: string };
    const reason = e.exception !== undefined ? String(e.exception) : (e.message ?? String(err));
    throw new DicomError('PARSE_FAILED', file, `not readable DICOM (truncated or corrupt): ${reason}`);
  }
}

/** True when the bytes carry the Part 10 preamble and `DICM` prefix. */
export function hasPart10Prefix(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

function required(file: string, value: number | undefined, name: string): number {
  if (value === undefined) throw new DicomError('MISSING_FIELD', file, `${name} is missing or not a number`);
  return value;
}

function planeValues(file: string, frameIndex: number, frame: DataSet | undefined, shared: DataSet | undefined, top: DataSet): FramePlane {
  const pick = (seq: string, t: string): number[] | undefined => {
    for (const ds of [item(frame, seq), item(shared, seq)]) {
      const v = ds ? numbers(ds, t) : undefined;
      if (v) return v;
    }
    return undefined;
  };
  const where = frame ? `frame ${frameIndex + 1}: ` : '';
  const position = frame || shared ? pick(TAGS.planePosition, TAGS.position) : numbers(top, TAGS.position);
  const orientation = frame || shared ? pick(TAGS.planeOrientation, TAGS.orientation) : numbers(top, TAGS.orientation);
  const spacing = frame || shared ? pick(TAGS.pixelMeasures, TAGS.pixelSpacing) : numbers(top, TAGS.pixelSpacing);
  if (!position || position.length !== 3) throw new DicomError('MISSING_FIELD', file, `${where}ImagePositionPatient (0020,0032) is missing or not 3 numbers`);
  if (!orientation || orientation.length !== 6) throw new DicomError('MISSING_FIELD', file, `${where}ImageOrientationPatient (0020,0037) is missing or not 6 numbers`);
  if (!spacing || spacing.length !== 2 || spacing.some((v) => !(v > 0))) throw new DicomError('MISSING_FIELD', file, `${where}PixelSpacing (0028,0030) is missing or not 2 positive numbers`);
  const slope = (frame || shared ? pick(TAGS.valueTransformation, TAGS.slope)?.[0] : undefined) ?? firstNumber(top, TAGS.slope) ?? 1;
  const intercept = (frame || shared ? pick(TAGS.valueTransformation, TAGS.intercept)?.[0] : undefined) ?? firstNumber(top, TAGS.intercept) ?? 0;
  return {
    frameIndex,
    position: position as unknown as FramePlane['position'],
    orientation: orientation as unknown as FramePlane['orientation'],
    pixelSpacing: spacing as unknown as FramePlane['pixelSpacing'],
    rescaleSlope: slope === 0 ? 1 : slope,
    rescaleIntercept: intercept,
  };
}

/**
 * Parses one file. Returns an {@link ImageHeader} for an image, a {@link NonImage} for a DICOM
 * object without pixels (skipped by the series reader), or `undefined` for a file without the
 * Part 10 prefix that was not named explicitly (README files, DICOMDIR-less junk).
 * @throws DicomError `NOT_DICOM` (explicit non-DICOM file), `PARSE_FAILED`, `MISSING_PIXEL_DATA`, `MISSING_FIELD`.
 */
export function parseHeader(file: SourceFile): ImageHeader | NonImage | undefined {
  if (!hasPart10Prefix(file.bytes)) {
    if (file.explicit) throw new DicomError('NOT_DICOM', file.name, 'not a DICOM Part 10 file (no DICM prefix at byte 128)');
    return undefined;
  }
  const ds = parseDataSet(file.name, file.bytes);
  const str = (t: string) => (ds.string(t) ?? '').trim();
  const rows = ds.uint16(TAGS.rows);
  const pixel = ds.elements[TAGS.pixelData];
  if (rows === undefined && pixel === undefined) {
    return { file: file.name, modality: str(TAGS.modality), sopClassUid: str(TAGS.sopClass) };
  }
  if (!pixel) throw new DicomError('MISSING_PIXEL_DATA', file.name, 'an image (it has Rows) without Pixel Data (7FE0,0010)');
  if (!pixel.encapsulatedPixelData && pixel.dataOffset + pixel.length > ds.byteArray.length) {
    throw new DicomError('PARSE_FAILED', file.name, `Pixel Data (7FE0,0010) needs ${pixel.length} bytes, only ${ds.byteArray.length - pixel.dataOffset} are there: truncated`);
  }
  const seriesInstanceUid = str(TAGS.seriesInstance);
  if (!seriesInstanceUid) throw new DicomError('MISSING_FIELD', file.name, 'SeriesInstanceUID (0020,000E) is missing');
  const numberOfFrames = Math.max(1, Math.round(firstNumber(ds, TAGS.numberOfFrames) ?? 1));
  const shared = item(ds, TAGS.sharedGroups);
  const perFrame = ds.elements[TAGS.perFrameGroups]?.items;
  const enhanced = perFrame !== undefined || shared !== undefined;
  const frames: FramePlane[] = [];
  if (enhanced) {
    if (!perFrame || perFrame.length !== numberOfFrames) {
      throw new DicomError('MISSING_FIELD', file.name, `PerFrameFunctionalGroupsSequence (5200,9230) has ${perFrame?.length ?? 0} items for ${numberOfFrames} frames`);
    }
    for (let f = 0; f < numberOfFrames; f++) frames.push(planeValues(file.name, f, perFrame[f]!.dataSet, shared, ds));
  } else {
    if (numberOfFrames > 1) {
      throw new DicomError('MISSING_FIELD', file.name, `${numberOfFrames} frames without per-frame functional groups: no position per frame`);
    }
    frames.push(planeValues(file.name, 0, undefined, undefined, ds));
  }
  const seriesNumber = firstNumber(ds, TAGS.seriesNumber);
  return {
    file: file.name,
    dataSet: ds,
    transferSyntaxUid: str(TAGS.transferSyntax) || '1.2.840.10008.1.2',
    sopClassUid: str(TAGS.sopClass),
    sopInstanceUid: str(TAGS.sopInstance),
    seriesInstanceUid,
    seriesNumber,
    seriesDescription: str(TAGS.seriesDescription),
    frameOfReferenceUid: str(TAGS.frameOfReference),
    modality: str(TAGS.modality),
    instanceNumber: firstNumber(ds, TAGS.instanceNumber),
    rows: required(file.name, rows, 'Rows (0028,0010)'),
    columns: required(file.name, ds.uint16(TAGS.columns), 'Columns (0028,0011)'),
    bitsAllocated: required(file.name, ds.uint16(TAGS.bitsAllocated), 'BitsAllocated (0028,0100)'),
    bitsStored: ds.uint16(TAGS.bitsStored) ?? ds.uint16(TAGS.bitsAllocated)!,
    pixelRepresentation: ds.uint16(TAGS.pixelRepresentation) ?? 0,
    samplesPerPixel: ds.uint16(TAGS.samplesPerPixel) ?? 1,
    photometricInterpretation: str(TAGS.photometric) || 'MONOCHROME2',
    numberOfFrames,
    enhanced,
    frames,
    gantryTilt: firstNumber(ds, TAGS.gantryTilt),
  };
}

/** Whether a parsed file is an image. */
export function isImage(h: ImageHeader | NonImage): h is ImageHeader {
  return 'dataSet' in h;
}
