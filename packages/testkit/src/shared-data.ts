import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe } from 'vitest';
import { repoRoot } from './repo-root.js';

/** The environment variable that names the shared data folder. Default: `../shared` from the repo root. */
export const SHARED_DIR_ENV = 'SEAHORSE_SHARED_DIR';

/** Absolute path of the shared data folder (it holds `data/`, `models/` and `notes/`). */
export function sharedDir(): string {
  const fromEnv = process.env[SHARED_DIR_ENV];
  return fromEnv && fromEnv.length > 0 ? path.resolve(fromEnv) : path.resolve(repoRoot(), '..', 'shared');
}

/** Absolute path of a file or folder inside the shared folder, e.g. `sharedPath('data/colin27-aal/ch2.nii.gz')`. */
export function sharedPath(...parts: string[]): string {
  return path.join(sharedDir(), ...parts);
}

/** True when running under CI (`CI=true`), where missing shared data is a failure, not a skip. */
export function isCI(): boolean {
  return /^(1|true|yes)$/i.test(process.env.CI ?? '');
}

/**
 * Why tests that need `relativePaths` inside the shared folder cannot run, or `undefined` when they can.
 * @throws Error under CI when anything is missing: CI must never silently skip data tests.
 */
export function sharedDataMissing(...relativePaths: string[]): string | undefined {
  const wanted = relativePaths.length > 0 ? relativePaths : ['data'];
  const missing = wanted.filter((p) => !existsSync(sharedPath(p)));
  if (missing.length === 0) return undefined;
  const reason = `shared data not found: ${missing.map((p) => sharedPath(p)).join(', ')} (set ${SHARED_DIR_ENV})`;
  if (isCI()) throw new Error(`CI=true and ${reason}`);
  return reason;
}

/**
 * `describe` for a block of tests that read files from the shared folder.
 * Without the data, on a user's machine, the block is skipped and the reason is part of its name;
 * under CI the missing data throws, so the run fails.
 */
export function describeWithSharedData(
  name: string,
  relativePaths: string[],
  body: () => void,
): void {
  const reason = sharedDataMissing(...relativePaths);
  describe.skipIf(reason !== undefined)(reason ? `${name} [skipped: ${reason}]` : name, body);
}
