import { PreprocessError } from './errors.js';
import { scanName } from './validate.js';

/**
 * Applies a single-volume transform to the named entries of a keyed record (MONAI's dictionary
 * transforms, as one thin wrapper): the other entries are passed through unchanged.
 *
 * @param record - E.g. `{ image, label }`.
 * @param keys - Entries to transform; each must be present.
 * @param fn - The transform, called once per key with the value and the key.
 * @returns A new record (the input is not modified).
 * @param options.scan - Scan (or subject) name for error messages.
 * @throws PreprocessError `INVALID_OPTION` naming the missing key and the keys present.
 * @example
 * ```ts
 * const model = mapKeys({ image: t1, label: seg }, ['image', 'label'], (v) => reorient(v, 'RAS'));
 * const normalised = mapKeys(model, ['image'], (v) => mriWindowVolume(v).volume);
 * ```
 */
export function mapKeys<R extends Record<string, unknown>, K extends keyof R & string>(
  record: R, keys: readonly K[], fn: (value: R[K], key: K) => R[K], options: { scan?: string } = {}): R {
  const out: R = { ...record };
  for (const key of keys) {
    if (!(key in record)) {
      throw new PreprocessError('INVALID_OPTION', scanName(options.scan), `mapKeys: key '${key}' is missing; the record has ${Object.keys(record).map((k) => `'${k}'`).join(', ') || 'no keys'}`);
    }
    out[key] = fn(record[key], key);
  }
  return out;
}
