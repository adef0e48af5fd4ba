// Benchmarks of @seahorse/inference: `npm run bench -- inference`.
// Each section runs Seahorse and its references side by side in the same run and prints their ratios:
//   "graph": CPU speed per patch and per scan against onnxruntime-python 1.32 and PyTorch CPU, with
//            onnxruntime's per-operator profile (inference-graph.bench-section.ts, issue 13);
//   "runtime": the session host's cost, whole mode's peak RSS and speed-up, the ensemble's peak RSS
//            (inference-runtime.bench-section.ts);
//   "real-size": end-to-end `seahorse segment` of the 5-member full-size ensemble on the 256³ niivue
//            subject, innereye and whole tiling (real-size-segment.bench-section.ts; needs the built CLI);
//   "agreement": whole mode's voxel agreement with innereye tiling for the trained msd-reference model
//            on 60 MSD crops in one frame that tiles (tiling-agreement.bench-section.ts).
// SEAHORSE_BENCH_SECTIONS (comma list, default "graph,runtime,real-size,agreement") picks sections; each section's own
// SEAHORSE_BENCH_* knobs are in its file. The checkpoint import has its own: `npm run bench -- innereye-import`.

import { benchInferenceGraph } from './inference-graph.bench-section.js';
import { benchInferenceRuntime } from './inference-runtime.bench-section.js';
import { benchRealSizeSegment } from './real-size-segment.bench-section.js';
import { benchTilingAgreement } from './tiling-agreement.bench-section.js';

const sections = new Set((process.env.SEAHORSE_BENCH_SECTIONS ?? 'graph,runtime,real-size,agreement').split(','));
if (sections.has('graph')) await benchInferenceGraph();
if (sections.has('runtime')) await benchInferenceRuntime();
if (sections.has('real-size')) await benchRealSizeSegment();
if (sections.has('agreement')) await benchTilingAgreement();
