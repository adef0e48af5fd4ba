import { closeSync, fsyncSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import writeFileAtomicLibrary from 'write-file-atomic';

/**
 * A file that could not be written. Nothing was left behind: the destination holds its old
 * content (or does not exist) and the temporary file was removed.
 */
export class FileWriteError extends Error {
  override readonly name = 'FileWriteError';
  readonly code = 'WRITE_FAILED';
  constructor(
    /** The destination path. */
    readonly file: string,
    /** The system's reason, e.g. `ENOSPC: no space left on device`. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot write ${file}: ${reason}`, options);
  }
}

/** Errors of `fsync` on a folder that mean the file system does not support it (the rename stands). */
const DIRECTORY_FSYNC_UNSUPPORTED = new Set(['EINVAL', 'ENOTSUP', 'EOPNOTSUPP', 'EISDIR', 'EPERM', 'EACCES', 'EBADF']);

/** Flushes a folder's entries (a rename in it) to disk. */
function fsyncFolder(folder: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(folder, 'r');
    fsyncSync(fd);
  } catch (err) {
    if (!DIRECTORY_FSYNC_UNSUPPORTED.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Seahorse's one atomic write, used for every result it writes: readers see the old file or the
 * new one, never a partial one, and after a crash the file is complete or absent.
 *
 * 1. With `createFolder`, the folder is created when missing (else a missing folder is an error).
 * 2. `write-file-atomic` writes the bytes to a temporary file in the same folder
 *    (`<name>.<number>`), fsyncs it and renames it over `file`; on any error (or a signal during
 *    the write) it removes the temporary file.
 * 3. The folder is fsynced, so that the rename itself survives a power loss (skipped where the
 *    file system does not support fsync on folders).
 *
 * @param file - The destination.
 * @param data - Text (written as UTF-8) or bytes.
 * @param options.createFolder - Create the destination's folder (and its parents) first. Default false.
 * @throws FileWriteError (`code: 'WRITE_FAILED'`) naming the file and the system's reason.
 * @example
 * ```ts
 * writeFileAtomic('/runs/42/metrics.csv', csvText, { createFolder: true });
 * ```
 */
export function writeFileAtomic(file: string, data: string | Uint8Array, options: { createFolder?: boolean } = {}): void {
  const folder = path.dirname(path.resolve(file));
  try {
    if (options.createFolder) mkdirSync(folder, { recursive: true });
    writeFileAtomicLibrary.sync(file, data instanceof Uint8Array && !Buffer.isBuffer(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : data);
    fsyncFolder(folder);
  } catch (err) {
    throw new FileWriteError(file, (err as Error).message, { cause: err });
  }
}
