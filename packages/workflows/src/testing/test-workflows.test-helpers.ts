// The workflow bundle of tests: the production workflows plus the walking skeleton's fixtures.
export * from '../workflows/index.js';
export * from './skeleton-workflows.test-helpers.js';
