/**
 * The words `model.json` and the runtime share. Each list is stated here once: the manifest schema
 * validates against it, and `@seahorse/inference`'s tiling and `@seahorse/innereye-import`'s
 * settings use its types.
 */

/**
 * How a volume is cut into network passes (`inference.tiling` in `model.json`).
 * - `'innereye'`: InnerEye's exact tiling (stride = patch, last patch shifted to the border,
 *   lexicographic order, later patches overwrite earlier ones).
 * - `'gaussian'`: overlapping windows blended with a Gaussian importance map.
 * - `'whole'`: one pass over the whole padded volume; when that would exceed the memory budget,
 *   the largest tiles that fit, blended as in `'gaussian'`.
 */
export const TILING_MODES = ['innereye', 'gaussian', 'whole'] as const;
/** One of {@link TILING_MODES}. */
export type TilingMode = (typeof TILING_MODES)[number];

/**
 * Where the padding of an axis goes (`inference.padPlacement` in `model.json`).
 * - `'split'`: torchio's `EnsureShapeMultiple` → `Pad`: `ceil(p/2)` before and `floor(p/2)` after,
 *   so an odd extra voxel goes at the START (InnerEye's inference).
 * - `'end'`: all padding after the last voxel.
 */
export const PAD_PLACEMENTS = ['split', 'end'] as const;
/** One of {@link PAD_PLACEMENTS}. */
export type PadPlacement = (typeof PAD_PLACEMENTS)[number];
