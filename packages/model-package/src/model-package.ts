/**
 * Loading and writing model packages: a folder with `model.json` and the members' ONNX files.
 */

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { FileWriteError, sha256File, sha256Hex, stringifyJson, writeFileAtomic } from '@seahorse/files';
import { ModelPackageError } from './errors.js';
import { MODEL_MANIFEST_FILE, modelManifestSchema, type EnsembleMember, type ModelManifest, type ModelManifestInput } from './manifest.js';
import { readOnnxSignature } from './onnx-signature.js';

/** A loaded, verified model package. */
export interface ModelPackage {
  /** Absolute path of the package folder. */
  folder: string;
  manifest: ModelManifest;
  /** Members in manifest order, with absolute ONNX paths. */
  members: (EnsembleMember & { path: string })[];
  /**
   * sha256 (lower-case hex) of the bytes of `model.json` as loaded. The manifest records every
   * member's sha256, so this one hash identifies the whole package; see {@link modelFingerprint}.
   */
  fingerprint: string;
}

/** Options for {@link loadModelPackage}. */
export interface LoadModelPackageOptions {
  /** Check each member's sha256 against the manifest. Default `true`. */
  verifyHashes?: boolean;
  /** Decode each member's ONNX graph inputs/outputs and check them against the manifest. Default `true`. */
  verifySignatures?: boolean;
}

/**
 * Validates a parsed `model.json`.
 *
 * @param json - The parsed JSON.
 * @param file - The manifest path, for messages.
 * @returns The manifest with defaults filled in.
 * @throws ModelPackageError `MANIFEST_INVALID` naming the first failing field (e.g. `members.0.sha256`),
 *   its value, and the rule it breaks.
 * @example
 * ```ts
 * const manifest = parseModelManifest(JSON.parse(text), 'pkg/model.json');
 * ```
 */
export function parseModelManifest(json: unknown, file: string): ModelManifest {
  const r = modelManifestSchema.safeParse(json);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.map(String).join('.') || '(root)';
  let value: unknown = json;
  for (const key of issue.path) value = (value as Record<PropertyKey, unknown> | undefined)?.[key as PropertyKey];
  const more = r.error.issues.length > 1 ? ` (and ${r.error.issues.length - 1} more problem(s))` : '';
  throw new ModelPackageError('MANIFEST_INVALID', file, field, `value ${JSON.stringify(value) ?? 'undefined'} is invalid: ${issue.message}${more}`);
}

/**
 * Checks that an ONNX model has one input `[batch, inputChannels, z, y, x]` and one output
 * `[batch, classes, z, y, x]` (fixed channel counts must equal the manifest's).
 * @throws ModelPackageError `SIGNATURE_MISMATCH` with the dims found.
 */
export function checkMemberSignature(onnxBytes: Uint8Array, manifest: ModelManifest, member: EnsembleMember, file: string): void {
  let sig;
  try {
    sig = readOnnxSignature(onnxBytes);
  } catch (err) {
    throw new ModelPackageError('SIGNATURE_MISMATCH', file, `members.${member.name}`, `not a decodable ONNX model: ${(err as Error).message}`);
  }
  const check = (what: 'input' | 'output', list: { name: string; dims: (number | string)[] }[], channels: number): void => {
    if (list.length !== 1) {
      throw new ModelPackageError('SIGNATURE_MISMATCH', file, `${what}s`, `expected exactly one graph ${what}, found ${list.length} (${list.map((v) => v.name).join(', ')})`);
    }
    const v = list[0]!;
    const c = v.dims[1];
    if (v.dims.length !== 5 || (typeof c === 'number' && c !== channels)) {
      throw new ModelPackageError('SIGNATURE_MISMATCH', file, `${what} ${v.name}`,
        `dims are [${v.dims.join(', ')}], expected [batch, ${channels}, z, y, x] (${what === 'input' ? 'inputChannels' : 'classes'} = ${channels} in the manifest)`);
    }
  };
  check('input', sig.inputs, manifest.inputChannels);
  check('output', sig.outputs, manifest.classes.length);
}

/**
 * Loads a model package folder: validates `model.json`, then checks every member's ONNX file exists,
 * has the recorded sha256, and has inputs/outputs that fit the manifest.
 *
 * @param folder - The package folder.
 * @param options - See {@link LoadModelPackageOptions}.
 * @returns The {@link ModelPackage}.
 * @throws ModelPackageError `MANIFEST_MISSING`, `MANIFEST_NOT_JSON`, `MANIFEST_INVALID`,
 *   `MEMBER_MISSING`, `HASH_MISMATCH` (expected and found hashes), `SIGNATURE_MISMATCH`.
 * @example
 * ```ts
 * const pkg = await loadModelPackage('models/hippocampus');
 * pkg.members.map((m) => m.path); // absolute ONNX paths, in ensemble order
 * ```
 */
export async function loadModelPackage(folder: string, options: LoadModelPackageOptions = {}): Promise<ModelPackage> {
  const root = path.resolve(folder);
  const manifestFile = path.join(root, MODEL_MANIFEST_FILE);
  let manifestBytes: Buffer;
  try {
    manifestBytes = await readFile(manifestFile);
  } catch (err) {
    throw new ModelPackageError('MANIFEST_MISSING', manifestFile, 'file', `cannot read the manifest: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(manifestBytes.toString('utf8'));
  } catch (err) {
    throw new ModelPackageError('MANIFEST_NOT_JSON', manifestFile, 'file', `not valid JSON: ${(err as Error).message}`);
  }
  const manifest = parseModelManifest(json, manifestFile);
  const members: ModelPackage['members'] = [];
  for (const [i, member] of manifest.members.entries()) {
    const memberPath = path.join(root, member.file);
    const needBytes = (options.verifyHashes ?? true) || (options.verifySignatures ?? true);
    if (needBytes) {
      let bytes: Buffer;
      try {
        bytes = await readFile(memberPath);
      } catch (err) {
        throw new ModelPackageError('MEMBER_MISSING', manifestFile, `members.${i}.file`, `${JSON.stringify(member.file)} cannot be read: ${(err as Error).message}`);
      }
      if (options.verifyHashes ?? true) {
        const found = sha256Hex(bytes);
        if (found !== member.sha256) {
          throw new ModelPackageError('HASH_MISMATCH', manifestFile, `members.${i}.sha256`,
            `${member.file} has sha256 ${found}, the manifest records ${member.sha256}: the file was changed or corrupted`);
        }
      }
      if (options.verifySignatures ?? true) checkMemberSignature(bytes, manifest, member, memberPath);
    }
    members.push({ ...member, path: memberPath });
  }
  return { folder: root, manifest, members, fingerprint: sha256Hex(manifestBytes) };
}

/**
 * The fingerprint of a model package: sha256 (lower-case hex) of its `model.json` bytes. The
 * manifest records every member's sha256, so a change to any ONNX file that still loads changes the
 * manifest, and with it this hash. Run folders store it in their idempotency keys.
 *
 * @param pkg - A loaded package (its {@link ModelPackage.fingerprint}, the bytes that were
 *   validated) or a package folder (its `model.json` as it is on disk now; not validated).
 * @throws ModelPackageError `MANIFEST_MISSING` when a folder's `model.json` cannot be read.
 * @example
 * ```ts
 * await modelFingerprint('models/demo'); // '3f…' (64 hex digits)
 * ```
 */
export async function modelFingerprint(pkg: ModelPackage | string): Promise<string> {
  if (typeof pkg !== 'string') return pkg.fingerprint;
  const manifestFile = path.join(path.resolve(pkg), MODEL_MANIFEST_FILE);
  try {
    return await sha256File(manifestFile);
  } catch (err) {
    throw new ModelPackageError('MANIFEST_MISSING', manifestFile, 'file', `cannot read the manifest: ${(err as Error).message}`);
  }
}

/**
 * Validates a manifest and writes it as `<folder>/model.json` atomically (temp file, then rename).
 * @returns The validated manifest, defaults filled in.
 * @throws ModelPackageError `MANIFEST_INVALID`, `WRITE_FAILED`.
 */
export async function writeModelManifest(folder: string, manifest: ModelManifestInput): Promise<ModelManifest> {
  const file = path.join(folder, MODEL_MANIFEST_FILE);
  const parsed = parseModelManifest(manifest, file);
  try {
    writeFileAtomic(file, stringifyJson(parsed));
  } catch (err) {
    throw new ModelPackageError('WRITE_FAILED', file, 'file', `cannot write: ${err instanceof FileWriteError ? err.reason : (err as Error).message}`);
  }
  return parsed;
}
