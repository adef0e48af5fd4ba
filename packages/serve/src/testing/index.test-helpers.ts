// Test helpers of @seahorse/serve (`@seahorse/serve/testing`): zips, a stand-in compute, the service on loopback.
export * from './zips.test-helpers.js';
export * from './fake-compute.test-helpers.js';
export * from './serve-harness.test-helpers.js';
export * from './zip-entries.test-helpers.js';
