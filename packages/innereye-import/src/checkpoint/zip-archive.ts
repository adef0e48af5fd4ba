/**
 * Random-access reading of zip entries (a thin promise wrapper around yauzl). Only the entries
 * asked for are read from disk, so a checkpoint's optimizer state is never loaded.
 */

import { open, type FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import { CheckpointReadError } from './errors.js';

/** An open zip file whose entries can be read by name. Call {@link ZipArchive.close} when done. */
export interface ZipArchive {
  /** The zip file on disk. */
  readonly file: string;
  /** Entry names, in central-directory order. */
  readonly names: readonly string[];
  /** Uncompressed size in bytes of an entry, or `undefined` when there is no such entry. */
  size(name: string): number | undefined;
  /**
   * Reads one whole entry into memory.
   * @throws CheckpointReadError `ZIP_LAYOUT` when the entry does not exist, `ZIP_INVALID` when it
   *   is corrupt (bad local header, size or CRC-32 mismatch, unsupported compression).
   */
  read(name: string): Promise<Buffer>;
  /** Closes the file descriptor. Safe to call twice. */
  close(): void;
}

/**
 * Opens a zip file and reads its central directory.
 *
 * @param file - Path of the zip file.
 * @returns An open {@link ZipArchive}.
 * @throws CheckpointReadError `READ_FAILED` when the file cannot be opened; `ZIP_INVALID` when it
 *   is not a zip or is truncated (no end-of-central-directory record, entries past the end).
 * @example
 * ```ts
 * const zip = await openZipArchive('last.ckpt');
 * try { const pkl = await zip.read('archive/data.pkl'); } finally { zip.close(); }
 * ```
 */
export async function openZipArchive(file: string): Promise<ZipArchive> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'EISDIR') {
      throw new CheckpointReadError('READ_FAILED', file, 'file', `cannot open: ${e.message}`);
    }
    throw new CheckpointReadError('ZIP_INVALID', file, 'zip', `not a readable zip archive (truncated or corrupt?): ${e.message}`);
  }
  const entries = new Map<string, yauzl.Entry>();
  try {
    for await (const entry of zip.eachEntry()) entries.set(entry.fileName, entry);
  } catch (err) {
    zip.close();
    throw new CheckpointReadError('ZIP_INVALID', file, 'central directory', `corrupt zip: ${(err as Error).message}`);
  }
  let handle: FileHandle;
  let fileSize: number;
  try {
    handle = await open(file, 'r');
    fileSize = (await handle.stat()).size;
  } catch (err) {
    zip.close();
    throw new CheckpointReadError('READ_FAILED', file, 'file', `cannot open: ${(err as Error).message}`);
  }
  /** Stored (uncompressed) entries, as torch writes them: one positioned read, no stream. */
  const readStored = async (entry: yauzl.Entry): Promise<Buffer> => {
    const { fileDataStart } = await zip.readLocalFileHeaderPromise(entry, { minimal: true });
    if (fileDataStart + entry.compressedSize > fileSize) {
      throw new Error(`entry data ends at byte ${fileDataStart + entry.compressedSize}, past the end of the file (${fileSize} bytes)`);
    }
    const data = Buffer.allocUnsafe(entry.uncompressedSize);
    let done = 0;
    while (done < data.length) {
      const { bytesRead } = await handle.read(data, done, data.length - done, fileDataStart + done);
      if (bytesRead === 0) throw new Error(`unexpected end of file after ${done} of ${data.length} bytes`);
      done += bytesRead;
    }
    return data;
  };
  const readStream = async (entry: yauzl.Entry): Promise<Buffer> => {
    const stream = await zip.openReadStreamPromise(entry);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  };
  let closed = false;
  return {
    file,
    names: [...entries.keys()],
    size: (name) => entries.get(name)?.uncompressedSize,
    async read(name) {
      const entry = entries.get(name);
      if (!entry) throw new CheckpointReadError('ZIP_LAYOUT', file, name, 'entry not found in the zip');
      if (!entry.canDecodeFileData()) {
        throw new CheckpointReadError('ZIP_INVALID', file, name, `compression method ${entry.compressionMethod} or encryption is not supported`);
      }
      let data: Buffer;
      try {
        data = entry.compressionMethod === 0 && entry.compressedSize === entry.uncompressedSize ? await readStored(entry) : await readStream(entry);
      } catch (err) {
        throw new CheckpointReadError('ZIP_INVALID', file, name, `cannot read entry (truncated or corrupt?): ${(err as Error).message}`);
      }
      if (data.length !== entry.uncompressedSize) {
        throw new CheckpointReadError('ZIP_INVALID', file, name, `read ${data.length} bytes, the central directory says ${entry.uncompressedSize}`);
      }
      const crc = crc32(data) >>> 0;
      if (crc !== entry.crc32 >>> 0) {
        throw new CheckpointReadError('ZIP_INVALID', file, name, `CRC-32 0x${crc.toString(16)} does not match the recorded 0x${(entry.crc32 >>> 0).toString(16)} (corrupt file)`);
      }
      return data;
    },
    close() {
      if (!closed) {
        closed = true;
        zip.close();
        void handle.close().catch(() => {});
      }
    },
  };
}
