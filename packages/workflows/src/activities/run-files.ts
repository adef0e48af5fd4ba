import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export { writeJsonAtomic, sha256File } from '@seahorse/files';

const NON_FINITE: Record<string, number> = { NaN, Infinity, '-Infinity': -Infinity };

/**
 * Reads JSON written by {@link writeJsonAtomic} (restoring NaN and ±Infinity), or `undefined`
 * when the file is missing or not valid JSON (a torn or foreign file).
 */
export function readJsonIfValid<T>(file: string): T | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8'), (_k, v: unknown) => (typeof v === 'string' && v in NON_FINITE ? NON_FINITE[v] : v)) as T;
  } catch {
    return undefined;
  }
}

/** sha256 of a string, hex. */
export function sha256Text(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Subject ids become folder names: anything outside a safe alphabet is percent-encoded. */
export function subjectFolderName(subjectId: string): string {
  const safe = subjectId.replace(/[^A-Za-z0-9._-]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return safe === '.' || safe === '..' ? `%2e${safe.slice(1)}` : safe;
}

/** Where one subject's outputs go: `<out>/subjects/<id>/`. */
export function subjectDir(out: string, subjectId: string): string {
  return path.join(out, 'subjects', subjectFolderName(subjectId));
}
