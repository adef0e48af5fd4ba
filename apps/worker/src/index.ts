export { createSeahorseWorker, seahorseWorkflowBundle, type SeahorseWorker, type SeahorseWorkerOptions } from './seahorse-worker.js';
