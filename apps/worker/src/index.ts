export {
  createSeahorseWorker, installTemporalRuntime, seahorseWorkflowBundle, type SeahorseWorker, type SeahorseWorkerOptions,
} from './seahorse-worker.js';
