import { tilingOptionsSchema } from '@seahorse/inference';

/** The runtime's tiling modes (stated once, in the runtime's schema). */
export const TILING_MODES = tilingOptionsSchema.shape.mode.unwrap().options;
