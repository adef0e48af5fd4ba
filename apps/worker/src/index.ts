export {
  createSeahorseWorker, installTemporalRuntime, seahorseWorkflowBundle, MAX_HEARTBEAT_THROTTLE_MS, type SeahorseWorker, type SeahorseWorkerOptions,
} from './seahorse-worker.js';
export { createComputeDeps, type ComputeDepsOptions } from './compute-deps.js';
