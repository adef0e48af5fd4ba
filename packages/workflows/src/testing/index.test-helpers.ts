// `@seahorse/workflows/testing`: fixtures for tests against a real Temporal server. Not part of
// the built package and never registered by a production worker.
import { fileURLToPath } from 'node:url';

export { createSkeletonActivities, type SkeletonActivities, type GreetingReport } from './skeleton-activities.test-helpers.js';
export {
  syntheticDeps, writeSyntheticCohort, SyntheticImageError, type SyntheticSubject, type SyntheticDepsOptions,
} from './synthetic-deps.test-helpers.js';
export {
  greetingWorkflow, tallyWorkflow, addSignal, finishSignal, tallyQuery, type TallyState,
} from './skeleton-workflows.test-helpers.js';

/** The workflow entry point of a test worker: the production workflows and the skeleton fixtures. */
export function testWorkflowsPath(): string {
  return fileURLToPath(new URL('./test-workflows.test-helpers.ts', import.meta.url));
}
