// Entry point that Temporal bundles for the workflow sandbox.
export * from './skeleton-workflows.js';
export * from './cohort-evaluation.js';
