export { DevServer, freePort, type DevServerOptions } from './dev-server.js';
export { TEMPORAL_CLI_VERSION, TEMPORAL_CLI_ENV, resolveTemporalCli } from './temporal-cli.js';
export { workflowsPath } from './workflows-path.js';
export { createSkeletonActivities, type SkeletonActivities, type GreetingReport } from './activities/skeleton-activities.js';
export {
  greetingWorkflow, tallyWorkflow, addSignal, finishSignal, tallyQuery, type TallyState,
} from './workflows/skeleton-workflows.js';
