import type { VolumeXYZ } from '@seahorse/io';
import { z } from 'zod';
import { mriWindowVolume } from './mri-window.js';
import { parseOptions } from './options.js';
import { trimmedNormVolume } from './trimmed-norm.js';
import { scanName } from './validate.js';
import { zScoreVolume } from './z-score.js';

const range = z.tuple([z.number().finite(), z.number().finite()])
  .refine(([a, b]) => a < b, { message: 'must be [low, high] with low < high' });

/**
 * The photometric normalisation a model manifest selects, validated with zod. Methods:
 * - `'mriWindow'`: InnerEye's MriWindow (defaults: sharpen 2.5, tail 1, outputRange [-1, 1]).
 * - `'zScore'`: whole-volume z-score.
 * - `'trimmedNorm'`: InnerEye's TrimmedNorm (defaults: sharpen 1.9, trimPercentiles [1, 99], outputRange [-1, 1]).
 */
export const intensityNormalisationSchema = z.discriminatedUnion('method', [
  z.object({
    method: z.literal('mriWindow'),
    sharpen: z.number().finite().positive().default(2.5),
    tail: z.number().finite().positive().default(1.0),
    outputRange: range.default([-1, 1]),
  }).strict(),
  z.object({ method: z.literal('zScore') }).strict(),
  z.object({
    method: z.literal('trimmedNorm'),
    sharpen: z.number().finite().positive().default(1.9),
    trimPercentiles: z.tuple([z.number().min(0).max(100), z.number().min(0).max(100)])
      .refine(([a, b]) => a < b, { message: 'must be [low, high] with low < high' }).default([1, 99]),
    outputRange: range.default([-1, 1]),
  }).strict(),
]);

/** A normalisation choice as written in a manifest (defaults may be left out). */
export type IntensityNormalisation = z.input<typeof intensityNormalisationSchema>;

/**
 * Normalises an intensity volume with the method a manifest names; returns a float32 volume with
 * the input's geometry.
 * @param spec - {@link IntensityNormalisation}, validated here.
 * @param options.scan - Scan name for error messages.
 * @throws PreprocessError `INVALID_OPTION` for a bad spec, plus whatever the chosen method throws.
 * @example
 * ```ts
 * const normalised = normaliseIntensity(t1, { method: 'mriWindow', sharpen: 2.5, tail: 1 }, { scan: 'sub-01' });
 * ```
 */
export function normaliseIntensity(volume: VolumeXYZ, spec: IntensityNormalisation, options: { scan?: string } = {}):
  VolumeXYZ<Float32Array> {
  const scan = scanName(options.scan);
  const s = parseOptions(intensityNormalisationSchema, spec, scan, 'normaliseIntensity');
  switch (s.method) {
    case 'mriWindow':
      return mriWindowVolume(volume, { sharpen: s.sharpen, tail: s.tail, outputRange: s.outputRange, scan }).volume;
    case 'zScore':
      return zScoreVolume(volume, { scan }).volume;
    case 'trimmedNorm':
      return trimmedNormVolume(volume, { sharpen: s.sharpen, trimPercentiles: s.trimPercentiles, outputRange: s.outputRange, scan }).volume;
  }
}
