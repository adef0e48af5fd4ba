export { repoRoot } from './repo-root.js';
export {
  SHARED_DIR_ENV, sharedDir, sharedPath, isCI, sharedDataMissing, describeWithSharedData,
} from './shared-data.js';
export { referencePython, referenceScript, runPythonReference } from './python-reference.js';
export { readNpy, type NpyArray, type NpyData } from './npy.js';
