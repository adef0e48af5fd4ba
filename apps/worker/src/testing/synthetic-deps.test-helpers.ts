// The synthetic compute lives with the workflows package (its tests and benchmarks use it too).
export {
  syntheticDeps, writeSyntheticCohort, SyntheticImageError, type SyntheticSubject, type SyntheticDepsOptions,
} from '@seahorse/workflows/testing';
