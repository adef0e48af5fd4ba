// Public API of @seahorse/files: how Seahorse writes every result file.
export { writeFileAtomic, FileWriteError } from './atomic-write.js';
export { sha256Hex, sha256File, sha256Path } from './hash.js';
export { stringifyJson, writeJsonAtomic, readJsonFile, jsonNumber, type JsonFileRead } from './json.js';
