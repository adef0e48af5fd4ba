import { loadModelPackage, modelFingerprint, TILING_MODES } from '@seahorse/model-package';
import { EvaluationOptionError } from './errors.js';

/** A model package as a run records it. */
export interface ModelDescription {
  /** sha256 of `model.json`'s bytes: the manifest holds every member's sha256, so this fingerprints the whole package. */
  fingerprint: string;
  name: string;
  version: string;
  /** Foreground classes, in class order (class `i + 1` is structure `i`). */
  structures: string[];
}

/**
 * Loads and verifies a model package (manifest, member hashes, ONNX signatures) and checks a run's
 * inference overrides against it.
 * @throws ModelPackageError for a broken package; EvaluationOptionError (field `inference.tiling`)
 *   for a tiling mode the runtime does not know.
 */
export async function describeModel(modelDir: string, overrides: { tiling?: string } = {}): Promise<ModelDescription> {
  const pkg = await loadModelPackage(modelDir);
  const modes: readonly string[] = TILING_MODES;
  if (overrides.tiling !== undefined && !modes.includes(overrides.tiling)) {
    throw new EvaluationOptionError('inference.tiling', `inference.tiling: '${overrides.tiling}' is not a tiling mode of ${pkg.folder} (one of ${modes.join(', ')})`);
  }
  return {
    fingerprint: await modelFingerprint(pkg),
    name: pkg.manifest.name, version: pkg.manifest.version, structures: pkg.manifest.classes.slice(1),
  };
}
