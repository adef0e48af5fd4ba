/**
 * Reading a zip of DICOM files into memory, safely: entry names that would leave the zip
 * (`../`, absolute paths, drive letters) are refused, and so are zip bombs, by the number of
 * entries, the bytes actually inflated (counted while streaming, not taken from the headers) and
 * the compression ratio. Nothing is written to disk.
 */
import { readFile } from 'node:fs/promises';
import yauzl from 'yauzl';
import { DicomError } from './errors.js';

/** Limits on what a zip may expand to. */
export interface ZipLimits {
  /** Most entries (files and folders). Default 100 000. */
  maxEntries?: number;
  /** Most bytes after inflating, all entries together. Default 4 GiB. */
  maxTotalBytes?: number;
  /** Highest inflated/compressed ratio of an entry larger than 1 MiB. Default 200. */
  maxRatio?: number;
}

/** One file read from a zip. */
export interface ZipFileEntry {
  /** The entry's path inside the zip, `/`-separated. */
  readonly name: string;
  readonly bytes: Uint8Array;
}

const DEFAULTS = { maxEntries: 100_000, maxTotalBytes: 4 * 1024 ** 3, maxRatio: 200 };
const RATIO_FLOOR = 1024 * 1024;

/** Whether a zip entry name stays inside the zip: no `..` segment, not absolute, no drive letter or backslash. */
export function safeZipEntryName(name: string): boolean {
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name) || name.includes('\\') || name.includes('\0')) return false;
  return !name.split('/').some((segment) => segment === '..');
}

/**
 * The files of a zip (folders dropped), in the zip's order.
 * @throws DicomError `ZIP_UNSAFE_ENTRY` for an entry that leaves the zip, `ZIP_TOO_LARGE` past a
 *   limit, `READ_FAILED` for a file that is not a readable zip.
 */
export async function readZipEntries(zipPath: string, limits: ZipLimits = {}): Promise<ZipFileEntry[]> {
  const lim = { ...DEFAULTS, ...limits };
  let buffer: Buffer;
  try {
    buffer = await readFile(zipPath);
  } catch (err) {
    throw new DicomError('READ_FAILED', zipPath, `cannot read the zip: ${(err as Error).message}`);
  }
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    // decodeStrings false: names are checked here, with this package's error.
    yauzl.fromBuffer(buffer, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true }, (err, z) => {
      if (err || !z) reject(new DicomError('READ_FAILED', zipPath, `not a readable zip: ${err?.message ?? 'unknown error'}`));
      else resolve(z);
    });
  });
  if (zip.entryCount > lim.maxEntries) {
    zip.close();
    throw new DicomError('ZIP_TOO_LARGE', zipPath, `${zip.entryCount} entries, more than the limit of ${lim.maxEntries}`);
  }
  const out: ZipFileEntry[] = [];
  let total = 0;
  return new Promise<ZipFileEntry[]>((resolve, reject) => {
    const fail = (err: DicomError) => {
      zip.close();
      reject(err);
    };
    zip.on('error', (err: Error) => fail(new DicomError('READ_FAILED', zipPath, `corrupt zip: ${err.message}`)));
    zip.on('end', () => resolve(out));
    zip.on('entry', (entry: yauzl.Entry) => {
      const name = Buffer.isBuffer(entry.fileName) ? entry.fileName.toString('utf8') : String(entry.fileName);
      if (!safeZipEntryName(name)) {
        fail(new DicomError('ZIP_UNSAFE_ENTRY', zipPath, `entry '${name}' would leave the zip's folder (absolute path or '..'): refused`));
        return;
      }
      if (name.endsWith('/')) {
        zip.readEntry();
        return;
      }
      if (total + entry.uncompressedSize > lim.maxTotalBytes) {
        fail(new DicomError('ZIP_TOO_LARGE', zipPath, `entry '${name}' would take the inflated size past the limit of ${lim.maxTotalBytes} bytes`));
        return;
      }
      if (entry.uncompressedSize > RATIO_FLOOR && entry.uncompressedSize > lim.maxRatio * Math.max(1, entry.compressedSize)) {
        fail(new DicomError('ZIP_TOO_LARGE', zipPath,
          `entry '${name}' inflates ${entry.compressedSize} bytes to ${entry.uncompressedSize}, a ratio above the limit of ${lim.maxRatio}: a zip bomb?`));
        return;
      }
      zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) {
          fail(new DicomError('READ_FAILED', zipPath, `entry '${name}': ${err?.message ?? 'cannot read'}`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on('data', (chunk: Buffer) => {
          size += chunk.length;
          total += chunk.length;
          if (total > lim.maxTotalBytes) {
            stream.destroy();
            fail(new DicomError('ZIP_TOO_LARGE', zipPath, `inflating '${name}' passed the limit of ${lim.maxTotalBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        stream.on('error', (e: Error) => fail(new DicomError('READ_FAILED', zipPath, `entry '${name}': ${e.message}`)));
        stream.on('end', () => {
          if (size !== entry.uncompressedSize) {
            fail(new DicomError('READ_FAILED', zipPath, `entry '${name}' inflated to ${size} bytes, its header says ${entry.uncompressedSize}`));
            return;
          }
          out.push({ name, bytes: new Uint8Array(Buffer.concat(chunks)) });
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
}
