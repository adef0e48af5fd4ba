// Public API of @seahorse/phantoms: deterministic synthetic head phantoms with hippocampus masks.
export { PhantomError, type PhantomErrorCode } from './errors.js';
export { createRandom, type Random } from './random.js';
export {
  sampleAnatomy, tissueFunction, tubeBounds, TISSUE, TISSUE_INTENSITY,
  type PhantomAnatomy, type HippocampusShape, type AnatomyOptions, type Tissue,
} from './anatomy.js';
export { sampleGrid, type PhantomGrid, type GridOptions } from './grid.js';
export { renderPhantom, type RenderOptions, type RenderedPhantom } from './render.js';
export {
  generatePhantomCohort, parsePhantomCohortOptions, phantomCohortOptionsSchema, PHANTOM_CHANNELS,
  type PhantomCohortOptions, type PhantomCohort, type PhantomSubject,
} from './cohort.js';
