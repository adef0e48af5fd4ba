// Benchmarks of @seahorse/inference: `npm run bench -- inference`.
// Each section runs Seahorse and its reference side by side in the same run and prints their ratio.
// Sections: "inference runtime" (inference-runtime.bench-section.ts); pytorch.bench.ts compares one
// patch with PyTorch. The checkpoint import has its own: `npm run bench -- innereye-import`.

import { benchInferenceRuntime } from './inference-runtime.bench-section.js';

await benchInferenceRuntime();
