import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MetricsError } from '../errors.js';

let counter = 0;

/**
 * Writes a file atomically: the content goes to a temporary file in the same folder, which is
 * then renamed over `file`, so readers see the old file or the new one, never a partial one.
 * Creates the folder when missing.
 * @throws MetricsError `WRITE_FAILED` naming the file and the system error.
 * @example
 * ```ts
 * writeFileAtomic('/out/metrics.csv', csvText);
 * ```
 */
export function writeFileAtomic(file: string, content: string | Uint8Array): void {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.${counter++}.tmp`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(tmp, content);
    renameSync(tmp, file);
  } catch (err) {
    try { rmSync(tmp, { force: true }); } catch { /* the folder itself is unusable: nothing was left behind */ }
    throw new MetricsError('WRITE_FAILED', `could not write ${file}: ${(err as Error).message}`);
  }
}
