// Public API of @seahorse/preprocess.
export { PreprocessError, DEFAULT_SCAN_NAME, type PreprocessErrorCode } from './errors.js';
export { otsuThreshold, histogramEdgesFloat32, OTSU_BINS } from './otsu.js';
export { midpointPercentilesInPlace } from './percentiles.js';
export { linearWindowFloat32 } from './linear-window.js';
export {
  mriWindow, mriWindowVolume, robustStatsInPlace, IQR_TO_STD,
  type MriWindowOptions, type MriWindowResult, type MriWindowVolumeResult, type RobustStats,
} from './mri-window.js';
export { trimmedNorm, trimmedNormVolume, type TrimmedNormOptions, type TrimmedNormResult } from './trimmed-norm.js';
export { zScore, zScoreVolume, type ZScoreResult } from './z-score.js';
export { normaliseIntensity, intensityNormalisationSchema, type IntensityNormalisation } from './normalise.js';
export { multiplyAffine, invertAffine, assertValidAffine, spacingXYZOf } from './affine.js';
export {
  reorient, orientationOf, orientationCodesOf, parseOrientationCodes, orientationToCodes,
  type OrientationCodes, type AxisOrientation,
} from './orientation.js';
export { pad, padToMultiple, crop, cropPadding, splitPadding, type PadPlacement, type PadOptions, type PaddingXYZ } from './pad-crop.js';
export { gridOf, gridWithSpacing, assertGridFits, DEFAULT_MAX_VOXELS, type GridXYZ } from './grid.js';
export { resampleToGrid, resampleToSpacing, voxelToVoxel, type Interpolation, type ResampleOptions } from './resample.js';
export { posteriorsToNativeLabels, type PosteriorsCXYZ } from './inverse.js';
export { toModelSpace, type ModelSpace, type ModelSpaceResult } from './model-space.js';
export { mapKeys } from './map-keys.js';
