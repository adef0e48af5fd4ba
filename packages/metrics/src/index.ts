// Public API of @seahorse/metrics: InnerEye's segmentation metrics and reports.
export { MetricsError, type MetricsErrorCode } from './errors.js';
export { assertValidGrid, assertSameGrid, type Shape3ZYX, type Spacing3ZYX } from './grid.js';
export { squaredDistanceTransformMm, distanceTransformMm } from './distance-transform.js';
export { contourMask, type Connectivity } from './contour.js';
export {
  diceNumeric, hausdorffDistanceMm, meanDistanceMm, overlapAndDistance, type OverlapAndDistance,
} from './surface-distance.js';
export {
  hausdorffPercentileMonaiMm, averageSymmetricSurfaceDistanceMonaiMm, volumeMm3, quantileLinear,
} from './monai-surface-distance.js';
export {
  computeStructureMetrics, computeExtendedStructureMetrics,
  type StructureMetrics, type ExtendedStructureMetrics, type StructureMetricsOptions,
} from './structure-metrics.js';
