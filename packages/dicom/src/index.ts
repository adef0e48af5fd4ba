// Public API of @seahorse/dicom: DICOM series in, DICOM-RT out.
export { DicomError, DicomRtError, type DicomErrorCode, type DicomRtErrorCode } from './errors.js';
export {
  readDicomSeries, summariseSeries,
  type DicomSeriesRead, type DicomSeriesInfo, type SliceReference, type PatientStudyModule,
  type ReadDicomSeriesOptions, type SeriesSummary,
} from './read-series.js';
export { GEOMETRY_TOLERANCE } from './geometry.js';
export { TRANSFER_SYNTAXES } from './pixels.js';
export { readZipEntries, safeZipEntryName, type ZipLimits, type ZipFileEntry } from './zip.js';
export type { DicomSource } from './sources.js';
export {
  writeRtStruct, encodeRtStruct, RESEARCH_USE_STATEMENT, RTSTRUCT_SOP_CLASS_UID,
  type RoiDefinition, type DicomRtWriterOptions, type RtStructSummary,
} from './rtstruct-write.js';
export {
  readRtStruct, rasteriseRoi,
  type RtStructRead, type RtRoi, type RtContour, type RasteriseOptions,
} from './rtstruct-read.js';
export { writeSeg, encodeSeg, segmentCodes, SEG_SOP_CLASS_UID, type SegmentCodes, type CodedConcept } from './seg-write.js';
