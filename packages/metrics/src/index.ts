// Public API of @seahorse/metrics: InnerEye's segmentation metrics and reports.
export { MetricsError, type MetricsErrorCode } from './errors.js';
export { assertValidGrid, assertSameGrid } from './grid.js';
export { squaredDistanceTransformMm, distanceTransformMm } from './distance-transform.js';
export { contourMask, type Connectivity } from './contour.js';
export {
  diceNumeric, hausdorffDistanceMm, meanDistanceMm, overlapAndDistance,
  type OverlapAndDistance, type DistanceArithmetic,
} from './surface-distance.js';
export { simpleItkMaurerDistanceMm, simpleItkMaurerSquaredDistanceF64Mm2 } from './simpleitk-maurer.js';
export { numpySumFloat32, quantileLinear } from './numpy-sum.js';
export {
  hausdorffPercentileMonaiMm, averageSymmetricSurfaceDistanceMonaiMm, volumeMm3,
} from './monai-surface-distance.js';
export {
  hausdorffPercentileDeepMindMm, averageSurfaceDistancesDeepMindMm, averageSymmetricSurfaceDistanceDeepMindMm,
  surfaceDistancesDeepMind, robustHausdorffFromSurfelsMm, averageSurfaceDistancesFromSurfelsMm,
  deepMindSurfelAreaTableMm2, type DeepMindSurfaceDistances,
} from './deepmind-surface-distance.js';
export { DEEPMIND_NEIGHBOUR_CODE_TO_NORMALS, DEEPMIND_NEIGHBOUR_KERNEL_ZYX } from './deepmind-lookup-table.js';
export {
  computeStructureMetrics, computeExtendedStructureMetrics,
  type StructureMetrics, type ExtendedStructureMetrics, type StructureMetricsOptions,
} from './structure-metrics.js';
export { formatFixed, roundHalfEven, pythonFloatRepr } from './reports/format-number.js';
export {
  numpySum, describeLikePandas, fullStatistics, studentTQuantile,
  type PandasDescribe, type FullStatistics,
} from './reports/statistics.js';
export {
  metricsCsv, metricsTableCells, metricsAggregates, aggregateTableCells, metricsAggregatesCsv, metricsAggregatesMarkdown, metricsStatisticsJson,
  validateResults, compareCodePoints, METRIC_COLUMNS, AGGREGATE_COLUMNS,
  type SubjectStructureMetrics, type StructureAggregate, type MetricColumn,
} from './reports/metrics-tables.js';
export { boxStatistics, boxPlotSvg, svgToPng, metricBoxes, type BoxStatistics, type BoxPlotOptions } from './reports/boxplot.js';
export { reportHtml, tableHtml, compactSummaryHtml, escapeHtml, inputProblems, type ReportHtmlInput, type ReportSubject } from './reports/report-html.js';
export { html, trustedHtml, SafeHtml } from './reports/html.js';
export { galleryOrder, type GalleryEntry } from './reports/gallery.js';
export {
  writeMetricsReports, REPORT_FILES, BOXPLOT_STEMS, type WriteReportsOptions, type WrittenReports,
} from './reports/write-reports.js';
export {
  metricsExtendedCsv, metricsExtendedAggregatesCsv, extendedRows, extendedValues,
  EXTENDED_COLUMNS, EXTENDED_METRIC_FIELDS, EXTENDED_AGGREGATE_COLUMNS,
  type ExtendedColumn, type ExtendedSubjectStructureMetrics,
} from './reports/extended-table.js';
export {
  volumesCsv, volumesAggregatesCsv, volumesTableCells, volumeRows, volumeAggregates, lateralPartner,
  VOLUME_COLUMNS, VOLUME_AGGREGATE_COLUMNS,
  type SubjectStructureVolume, type VolumeRow, type VolumeAggregate,
} from './reports/volumes-table.js';
export { qcPictureSvg, qcPicturePng, QC_COLOURS, type QcPictureInput, type DisplayConvention } from './qc/qc-picture.js';
export { wilcoxonSignedRank, normalSf, type WilcoxonResult, type WilcoxonMethod } from './compare/wilcoxon.js';
export {
  compareRuns, compareCsv, compareHtml, COMPARE_COLUMNS, type RunValues, type ComparisonRow, type RunComparison,
} from './compare/compare-runs.js';
export {
  viewerPageHtml, viewerDataScript, VIEWER_DATA_GLOBAL, type ViewerData, type ViewerPageInput,
} from './viewer/viewer-page.js';
