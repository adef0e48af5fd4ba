// The upload's zip, checked before a run starts and unpacked by the run: limits that refuse a zip
// bomb, zip-slip names refused, and DICOM files written under numbered names of the run's own
// (so files that share a basename in different folders, which InnerEye's score.py fails on, are
// all kept, and no uploaded name, which may carry a patient's name, reaches a path or a log).
import { once } from 'node:events';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';

/** Limits on an uploaded zip. */
export interface ZipLimits {
  /** Most entries (files and folders). */
  maxEntries: number;
  /** Most bytes of all files once unpacked. */
  maxUncompressedBytes: number;
  /** Largest ratio of unpacked to packed bytes, per entry over 1 MiB and for the whole zip. */
  maxCompressionRatio: number;
}

/** Defaults: a 3D MR series is hundreds of files of a few hundred KB; DICOM compresses 2–10×. */
export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 10_000,
  maxUncompressedBytes: 4 * 1024 ** 3,
  maxCompressionRatio: 100,
};

/** Why a zip is refused. */
export type ZipProblem = 'NOT_A_ZIP' | 'EMPTY' | 'TOO_MANY_ENTRIES' | 'TOO_LARGE' | 'RATIO' | 'UNSAFE_NAME' | 'ENCRYPTED' | 'UNSUPPORTED' | 'NO_DICOM';

/** A zip that cannot be used; `message` names the problem, never an entry's name. */
export class ZipRefusedError extends Error {
  override readonly name = 'ZipRefusedError';
  constructor(readonly problem: ZipProblem, message: string) {
    super(message);
  }
}

/** What {@link inspectZip} found. */
export interface ZipSummary {
  entries: number;
  files: number;
  /** Files with the DICOM Part-10 preamble (`DICM` at byte 128). */
  dicomFiles: number;
  uncompressedBytes: number;
}

const MiB = 1024 * 1024;
const DICM_OFFSET = 128;

function openZip(file: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false }, (err, zip) => {
      if (err || !zip) reject(new ZipRefusedError('NOT_A_ZIP', `not a zip file (${err?.message ?? 'unreadable'})`));
      else resolve(zip);
    });
  });
}

function openEntry(zip: ZipFile, entry: Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => (err || !stream ? reject(err ?? new Error('no stream')) : resolve(stream)));
  });
}

/** yauzl's own name checks (absolute and `..` names), turned into our error. */
function asZipError(err: unknown): Error {
  if (err instanceof ZipRefusedError) return err;
  const message = (err as Error).message ?? String(err);
  if (/absolute path|invalid relative path|invalid characters/i.test(message)) {
    return new ZipRefusedError('UNSAFE_NAME', 'the zip holds an entry whose name is absolute or leaves the folder (zip-slip)');
  }
  return new ZipRefusedError('NOT_A_ZIP', `not a readable zip file (${message.replace(/:.*$/, '')})`);
}

/** True for a name that is absolute or climbs out of the folder it is unpacked into. */
export function isUnsafeEntryName(name: string): boolean {
  const n = name.replace(/\\/g, '/');
  return n.startsWith('/') || /^[A-Za-z]:/.test(n) || n.split('/').includes('..');
}

const isFolder = (e: Entry) => e.fileName.endsWith('/');
/** macOS Finder's resource forks: never data. */
const isMacMetadata = (e: Entry) => e.fileName.startsWith('__MACOSX/') || path.posix.basename(e.fileName).startsWith('._');

/** Reads the first `n` bytes of an entry, then stops. */
async function head(zip: ZipFile, entry: Entry, n: number): Promise<Buffer> {
  const stream = await openEntry(zip, entry);
  const chunks: Buffer[] = [];
  let got = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    got += chunk.length;
    if (got >= n) break;
  }
  stream.destroy();
  return Buffer.concat(chunks).subarray(0, n);
}

const hasDicomPreamble = (bytes: Buffer) => bytes.length >= DICM_OFFSET + 4 && bytes.toString('latin1', DICM_OFFSET, DICM_OFFSET + 4) === 'DICM';

/**
 * Walks every entry of `file` with `visit`, after checking the limits on the central directory
 * (yauzl then checks that each entry unpacks to exactly its declared size, so the declared sizes
 * bound the real ones).
 */
async function walk(file: string, fileBytes: number, limits: ZipLimits,
  visit: (zip: ZipFile, entry: Entry) => Promise<void>): Promise<{ entries: number; uncompressedBytes: number }> {
  const zip = await openZip(file);
  try {
    if (zip.entryCount === 0) throw new ZipRefusedError('EMPTY', 'the zip is empty');
    if (zip.entryCount > limits.maxEntries) {
      throw new ZipRefusedError('TOO_MANY_ENTRIES', `the zip holds ${zip.entryCount} entries; at most ${limits.maxEntries} are accepted`);
    }
    let total = 0;
    let entries = 0;
    await new Promise<void>((resolve, reject) => {
      const fail = (err: unknown) => reject(asZipError(err));
      zip.on('error', fail);
      zip.on('end', () => resolve());
      zip.on('entry', (entry: Entry) => {
        entries++;
        void (async () => {
          if (isUnsafeEntryName(entry.fileName)) throw asZipError(new Error('invalid relative path'));
          if (entry.isEncrypted()) throw new ZipRefusedError('ENCRYPTED', 'the zip holds an encrypted entry');
          if (!isFolder(entry)) {
            if (!entry.canDecodeFileData()) throw new ZipRefusedError('UNSUPPORTED', `the zip uses compression method ${entry.compressionMethod}; only stored and deflated entries are read`);
            total += entry.uncompressedSize;
            if (total > limits.maxUncompressedBytes) {
              throw new ZipRefusedError('TOO_LARGE', `the zip unpacks to more than ${limits.maxUncompressedBytes} bytes`);
            }
            if (entry.uncompressedSize > MiB && entry.uncompressedSize > limits.maxCompressionRatio * Math.max(1, entry.compressedSize)) {
              throw new ZipRefusedError('RATIO', `an entry unpacks to more than ${limits.maxCompressionRatio} times its packed size (a zip bomb?)`);
            }
            if (total > MiB && total > limits.maxCompressionRatio * fileBytes) {
              throw new ZipRefusedError('RATIO', `the zip unpacks to more than ${limits.maxCompressionRatio} times its size (a zip bomb?)`);
            }
            await visit(zip, entry);
          }
          zip.readEntry();
        })().catch(fail);
      });
      zip.readEntry();
    });
    return { entries, uncompressedBytes: total };
  } finally {
    zip.close();
  }
}

/**
 * Checks an uploaded zip without unpacking it: it opens as a zip, is within `limits`, has no
 * unsafe names, and at least one of its files is DICOM (read from each file's first 132 bytes).
 * @throws ZipRefusedError
 */
export async function inspectZip(file: string, fileBytes: number, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<ZipSummary> {
  let files = 0;
  let dicomFiles = 0;
  const r = await walk(file, fileBytes, limits, async (zip, entry) => {
    if (isMacMetadata(entry)) return;
    files++;
    if (entry.uncompressedSize >= DICM_OFFSET + 4 && hasDicomPreamble(await head(zip, entry, DICM_OFFSET + 4))) dicomFiles++;
  });
  if (dicomFiles === 0) {
    throw new ZipRefusedError(files === 0 ? 'EMPTY' : 'NO_DICOM',
      files === 0 ? 'the zip holds no file' : `none of the zip's ${files} file(s) is a DICOM file (no DICM preamble)`);
  }
  return { entries: r.entries, files, dicomFiles, uncompressedBytes: r.uncompressedBytes };
}

/** One unpacked DICOM file: its numbered name in the run, and its name in the upload. */
export interface UnpackedFile {
  file: string;
  uploadedName: string;
}

/**
 * Unpacks the DICOM files of `zipFile` into `outDir` as `00001.dcm`, `00002.dcm`, … (entry order),
 * checking the same limits as {@link inspectZip}. Non-DICOM files are skipped.
 * @throws ZipRefusedError
 */
export async function unpackDicomZip(zipFile: string, fileBytes: number, outDir: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<UnpackedFile[]> {
  mkdirSync(outDir, { recursive: true });
  const out: UnpackedFile[] = [];
  await walk(zipFile, fileBytes, limits, async (zip, entry) => {
    if (isMacMetadata(entry) || entry.uncompressedSize < DICM_OFFSET + 4) return;
    if (!hasDicomPreamble(await head(zip, entry, DICM_OFFSET + 4))) return;
    const name = `${String(out.length + 1).padStart(5, '0')}.dcm`;
    const target = path.join(outDir, name);
    let written = 0;
    // yauzl errors when the data runs past the declared size; this bounds it again, cheaply.
    const bound = new Transform({
      transform(chunk: Buffer, _enc, done) {
        written += chunk.length;
        done(written > entry.uncompressedSize ? new ZipRefusedError('TOO_LARGE', 'an entry unpacks to more than its declared size') : null, chunk);
      },
    });
    const sink = createWriteStream(target);
    await once(sink, 'open');
    await pipeline(await openEntry(zip, entry), bound, sink).catch((err: unknown) => { throw asZipError(err); });
    out.push({ file: name, uploadedName: entry.fileName });
  });
  if (out.length === 0) throw new ZipRefusedError('NO_DICOM', 'the zip holds no DICOM file');
  return out;
}
