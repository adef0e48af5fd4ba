import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Writes JSON atomically: a temp file in the same folder, then rename. Non-finite numbers (NaN,
 * ±Infinity: metrics of empty masks) are kept as the strings `"NaN"`, `"Infinity"`, `"-Infinity"`.
 */
export function writeJsonAtomic(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2);
  writeFileSync(tmp, `${text}\n`);
  renameSync(tmp, file);
}

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

/** sha256 of a file's bytes, hex, streamed. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  await new Promise<void>((resolve, reject) => {
    createReadStream(file).on('data', (c) => hash.update(c)).on('end', () => resolve()).on('error', reject);
  });
  return hash.digest('hex');
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
