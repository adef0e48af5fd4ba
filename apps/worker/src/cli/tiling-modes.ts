/** The runtime's tiling modes (stated once, in @seahorse/model-package, which the manifest and the runtime share). */
export { TILING_MODES } from '@seahorse/model-package';
