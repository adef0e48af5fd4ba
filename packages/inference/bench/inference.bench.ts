// Benchmarks of @seahorse/inference: `npm run bench -- inference`.
// Each section runs Seahorse and its references side by side in the same run and prints their ratios:
//   "graph": CPU speed per patch and per scan against onnxruntime-python 1.32 and PyTorch CPU, with
//            onnxruntime's per-operator profile (inference-graph.bench-section.ts, issue 13);
//   "runtime": the session host's cost, whole mode's peak RSS and speed-up, the ensemble's peak RSS
//            (inference-runtime.bench-section.ts).
// SEAHORSE_BENCH_SECTIONS (comma list, default "graph,runtime") picks sections; each section's own
// SEAHORSE_BENCH_* knobs are in its file. The checkpoint import has its own: `npm run bench -- innereye-import`.

import { benchInferenceGraph } from './inference-graph.bench-section.js';
import { benchInferenceRuntime } from './inference-runtime.bench-section.js';

const sections = new Set((process.env.SEAHORSE_BENCH_SECTIONS ?? 'graph,runtime').split(','));
if (sections.has('graph')) await benchInferenceGraph();
if (sections.has('runtime')) await benchInferenceRuntime();
