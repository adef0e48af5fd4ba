// Entry point that Temporal bundles for the workflow sandbox: the service's workflow.
export * from './serve-request.js';
