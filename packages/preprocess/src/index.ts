// Public API of @seahorse/preprocess. Geometry (orientation, spacing, matrices, grids) is @seahorse/io's.
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
export { reorient } from './reorient.js';
export { gridWithSpacing, assertGridFits, DEFAULT_MAX_VOXELS } from './grid.js';
export { resampleToGrid, resampleToSpacing, voxelToVoxel, type Interpolation, type ResampleOptions } from './resample.js';
export { toModelSpace, type ModelSpace, type ModelSpaceResult } from './model-space.js';
