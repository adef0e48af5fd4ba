export type {
  Mat4, Mat3, VoxelArray, ShapeXYZ, ShapeZYX, SpacingZYX, GridXYZ, VolumeKind, VolumeXYZ, VolumeZYX,
} from './volume.js';
export {
  NiftiFormatError, NiftiWriteError, ManifestError, SpaceMismatchError, GeometryError,
  type NiftiErrorCode, type NiftiWriteErrorCode, type ManifestErrorCode, type GeometryErrorCode,
} from './errors.js';
export {
  parseNiftiHeader, niftiDatatype, NIFTI_DATATYPES,
  type NiftiHeader, type NiftiDatatype, type NiftiExtension,
} from './nifti-header.js';
export { niftiAffine, qformAffine, sformAffine, pixdimAffine, type AffineSource } from './affine.js';
export {
  readNifti, decodeNifti, readNiftiGeometry, type NiftiGeometry,
  type NiftiImage, type NiftiHeaderInfo, type ReadNiftiOptions, type SpatialUnits, type TemporalUnits,
} from './nifti-read.js';
export {
  toZYX, spacingXYZ, voxelVolumeMm3, originXYZ, directionMatrix, gridOf, assertSameSpace,
  type AffineOrVolume, type WorldFrame, type SameSpaceOptions,
} from './geometry.js';
export {
  orientationCodes, axisOrientation, parseOrientationCodes, orientationToCodes,
  type OrientationCodes, type AxisOrientation,
} from './orientation.js';
export { multiplyAffine, invertAffine, assertUsableAffine, multiply3 } from './matrix.js';
export {
  writeNifti, encodeNifti, affineToQform,
  type WriteNiftiOptions, type NiftiWriteDatatype, type XformCode,
} from './nifti-write.js';
export { parseCsv, CsvSyntaxError, type CsvRecord } from './csv.js';
export {
  loadCohort, resolveInsideRoot,
  type Cohort, type CohortSubject, type ImageChannel, type StructureMask, type LabelEntry, type GroundTruth,
  type LoadCohortOptions,
} from './manifest.js';
