import type { ShapeZYX } from '@seahorse/io';
import { PAD_PLACEMENTS, TILING_MODES, type TilingMode } from '@seahorse/model-package';
import { z } from 'zod';
import { InferenceRuntimeError } from '../errors.js';
import { padToMultipleZYX, paddedShapeZYX, type PaddingZYX } from './pad.js';
import { innereyeStarts, overlapStarts } from './scan-interval.js';
import { voxelCount } from './shape.js';
import { windowSlicesZYX, type WindowZYX } from './windows.js';

/** `'whole'` mode's default budget for one network pass: 5 GiB. */
export const DEFAULT_MEMORY_BUDGET_BYTES = 5 * 2 ** 30;
/**
 * Peak bytes per input voxel of one pass of the default graph (BatchNorm folded, ConvTranspose as
 * its phase decomposition), full-size InnerEye UNet3D on onnxruntime-node 1.30 CPU, arena released:
 * measured 221 B/voxel (session host peak 2.55 GB on 176×256×256), rounded up for margin.
 */
export const PHASE_GRAPH_BYTES_PER_VOXEL = 260;
/**
 * The same for the literal graph (ConvTranspose nodes, whose col2im buffer dominates): measured
 * about 720 B/voxel (2.79 GiB for a 128×176×176 patch, 5.56 GiB for 176×176×256), rounded up.
 */
export const LITERAL_GRAPH_BYTES_PER_VOXEL = 800;

/** Options of {@link planTiling}, validated with zod; every field has a documented default. */
export const tilingOptionsSchema = z.object({
  /** Tiling mode. Default `'innereye'`. */
  mode: z.enum(TILING_MODES).default('innereye'),
  /** Largest patch `[z, y, x]` in voxels. Default InnerEye's `[128, 176, 176]`. */
  patchZYX: z.tuple([z.number().int().positive(), z.number().int().positive(), z.number().int().positive()])
    .default([128, 176, 176]),
  /** Pad every axis to a multiple of this (the network's total downsampling). Default 16. */
  padMultiple: z.number().int().positive().default(16),
  /** Where padding goes: `'split'` (InnerEye/torchio, extra voxel at the start; default) or `'end'`. */
  padPlacement: z.enum(PAD_PLACEMENTS).default('split'),
  /** Value of padded voxels (after normalisation). Default 0. */
  padValue: z.number().finite().default(0),
  /** Fraction of overlap between neighbouring windows in `'gaussian'` mode and the `'whole'` fallback, [0, 1). Default 0.5. */
  overlap: z.number().min(0).lt(1).default(0.5),
  /** σ of the Gaussian importance map as a fraction of the patch. Default 0.125. */
  sigmaScale: z.number().positive().default(0.125),
  /** `'whole'` mode: bytes one network pass may use. Default 5 GiB ({@link DEFAULT_MEMORY_BUDGET_BYTES}). */
  memoryBudgetBytes: z.number().positive().default(DEFAULT_MEMORY_BUDGET_BYTES),
  /**
   * `'whole'` mode: estimated peak bytes per input voxel of one pass. Default
   * {@link PHASE_GRAPH_BYTES_PER_VOXEL} (260), for the default graph Seahorse's importer writes;
   * the literal graph (ConvTranspose nodes, packages imported before) needs
   * {@link LITERAL_GRAPH_BYTES_PER_VOXEL} (800). The ensemble picks the figure from its members.
   */
  bytesPerVoxel: z.number().positive().default(PHASE_GRAPH_BYTES_PER_VOXEL),
});

/** Input form of the tiling options (all optional). */
export type TilingOptions = z.input<typeof tilingOptionsSchema>;
/** Tiling options with defaults filled in. */
export type ResolvedTilingOptions = z.output<typeof tilingOptionsSchema>;

/** How the per-patch outputs are combined. */
export type BlendMode = 'overwrite' | 'gaussian';

/** A complete tiling plan for one volume: pure data, computed by {@link planTiling}. */
export interface TilingPlan {
  readonly mode: TilingMode;
  /** Unpadded input shape. */
  readonly shapeZYX: ShapeZYX;
  readonly padding: PaddingZYX;
  /** Value written into padded voxels. */
  readonly padValue: number;
  readonly paddedShapeZYX: ShapeZYX;
  /** Patch actually used (≤ padded shape on every axis). */
  readonly patchZYX: ShapeZYX;
  /** Windows in the order they run (lexicographic z, y, x). */
  readonly windows: readonly WindowZYX[];
  readonly blend: BlendMode;
  readonly sigmaScale: number;
  /** True when `'whole'` mode fell back to tiles because one pass would exceed the memory budget. */
  readonly wholeFellBack: boolean;
}

/**
 * Validates tiling options and fills in defaults.
 * @throws InferenceRuntimeError `INVALID_OPTIONS` naming the field and value.
 */
export function resolveTilingOptions(options: TilingOptions = {}): ResolvedTilingOptions {
  const r = tilingOptionsSchema.safeParse(options);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new InferenceRuntimeError('INVALID_OPTIONS',
      `tiling option '${issue.path.join('.')}': ${issue.message} (got ${JSON.stringify(pick(options, issue.path))})`);
  }
  return r.data;
}

/**
 * Plans the network passes over a `[Z, Y, X]` volume.
 * @param shapeZYX - the unpadded volume shape.
 * @param options - see {@link tilingOptionsSchema}.
 * @throws InferenceRuntimeError `INVALID_OPTIONS` / `INVALID_SHAPE`.
 * @example
 * const plan = planTiling([140, 40, 40], { mode: 'innereye' });
 * plan.paddedShapeZYX // [144, 48, 48]; plan.patchZYX // [128, 48, 48]; windows start z = 0 and 16
 */
export function planTiling(shapeZYX: ShapeZYX, options: TilingOptions = {}): TilingPlan {
  const o = resolveTilingOptions(options);
  if (shapeZYX.length !== 3 || !shapeZYX.every((n) => Number.isInteger(n) && n > 0)) {
    throw new InferenceRuntimeError('INVALID_SHAPE', `volume shape must be 3 positive integers [z, y, x], got [${shapeZYX.join(', ')}]`);
  }
  const padding = padToMultipleZYX(shapeZYX, o.padMultiple, o.padPlacement);
  const padded = paddedShapeZYX(shapeZYX, padding);
  const base = { shapeZYX, padding, padValue: o.padValue, paddedShapeZYX: padded, sigmaScale: o.sigmaScale };
  if (o.mode === 'whole') {
    if (voxelCount(padded) * o.bytesPerVoxel <= o.memoryBudgetBytes) {
      return { ...base, mode: 'whole', patchZYX: padded, windows: [{ startZYX: [0, 0, 0], sizeZYX: padded }], blend: 'overwrite', wholeFellBack: false };
    }
    const patch = largestTileWithinBudget(padded, o.padMultiple, o.overlap, Math.floor(o.memoryBudgetBytes / o.bytesPerVoxel));
    const starts = padded.map((s, i) => overlapStarts(s, patch[i]!, o.overlap)) as [number[], number[], number[]];
    return { ...base, mode: 'whole', patchZYX: patch, windows: windowSlicesZYX(starts, patch), blend: 'gaussian', wholeFellBack: true };
  }
  const patch: ShapeZYX = [
    Math.min(o.patchZYX[0], padded[0]), Math.min(o.patchZYX[1], padded[1]), Math.min(o.patchZYX[2], padded[2]),
  ];
  if (o.mode === 'innereye') {
    const starts = padded.map((s, i) => innereyeStarts(s, patch[i]!)) as [number[], number[], number[]];
    return { ...base, mode: 'innereye', patchZYX: patch, windows: windowSlicesZYX(starts, patch), blend: 'overwrite', wholeFellBack: false };
  }
  const starts = padded.map((s, i) => overlapStarts(s, patch[i]!, o.overlap)) as [number[], number[], number[]];
  return { ...base, mode: 'gaussian', patchZYX: patch, windows: windowSlicesZYX(starts, patch), blend: 'gaussian', wholeFellBack: false };
}

/**
 * The tile for `'whole'` mode's fallback: among tiles whose sides are multiples of `multiple` (and
 * ≤ the padded shape) with at most `maxVoxels` voxels, the one that minimises the total voxels the
 * network must process over all windows (ties: the larger tile, then the more cubic one: smaller
 * surface, fewer voxels near tile borders).
 * @throws InferenceRuntimeError `INVALID_OPTIONS` when even a `multiple`³ tile exceeds the budget.
 */
export function largestTileWithinBudget(paddedZYX: ShapeZYX, multiple: number, overlap: number, maxVoxels: number): ShapeZYX {
  const sides = paddedZYX.map((s) => {
    const out: number[] = [];
    for (let p = multiple; p <= s; p += multiple) out.push(p);
    if (out[out.length - 1] !== s) out.push(s);
    return out;
  });
  let best: ShapeZYX | undefined;
  let bestWork = Infinity;
  let bestVoxels = 0;
  let bestSurface = Infinity;
  for (const pz of sides[0]!) {
    for (const py of sides[1]!) {
      for (const px of sides[2]!) {
        const v = pz * py * px;
        if (v > maxVoxels) continue;
        const n = overlapStarts(paddedZYX[0], pz, overlap).length * overlapStarts(paddedZYX[1], py, overlap).length
          * overlapStarts(paddedZYX[2], px, overlap).length;
        const work = n * v;
        const surface = pz * py + py * px + pz * px;
        if (work < bestWork || (work === bestWork && (v > bestVoxels || (v === bestVoxels && surface < bestSurface)))) {
          best = [pz, py, px];
          bestWork = work;
          bestVoxels = v;
          bestSurface = surface;
        }
      }
    }
  }
  if (best === undefined) {
    throw new InferenceRuntimeError('INVALID_OPTIONS',
      `memoryBudgetBytes allows ${maxVoxels} voxels per pass, fewer than one ${multiple}³ tile: raise memoryBudgetBytes or lower bytesPerVoxel`);
  }
  return best;
}

function pick(obj: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = obj;
  for (const k of path) cur = cur && typeof cur === 'object' ? (cur as Record<PropertyKey, unknown>)[k] : undefined;
  return cur;
}
