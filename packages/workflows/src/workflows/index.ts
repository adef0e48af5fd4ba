// Entry point that Temporal bundles for the workflow sandbox.
export * from './skeleton-workflows.js';
