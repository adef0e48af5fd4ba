// Entry point that Temporal bundles for the workflow sandbox: Seahorse's production workflows.
export * from './cohort-evaluation.js';
export * from './cohort-subject.js';
