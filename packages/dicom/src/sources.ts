/**
 * Where DICOM files come from: a folder (searched recursively), a zip, or a list of files. Each
 * becomes named byte arrays in memory; nothing is written.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { DicomError } from './errors.js';
import { readZipEntries, type ZipLimits } from './zip.js';

/** A folder, a `.zip`, or an explicit list of files. */
export type DicomSource = string | readonly string[];

/** A file's bytes and the name errors show. */
export interface SourceFile {
  readonly name: string;
  readonly bytes: Uint8Array;
  /** True when the user named this file: a non-DICOM file is then an error, not skipped. */
  readonly explicit: boolean;
}

/** The files of a source, and the label errors name it by. */
export interface LoadedSource {
  readonly label: string;
  readonly files: SourceFile[];
}

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) await walk(full, out);
    else if (e.isFile()) out.push(full);
  }
}

/**
 * Reads every file of a source into memory.
 * @throws DicomError `READ_FAILED` when a path cannot be read; zip errors from {@link readZipEntries}.
 */
export async function loadSource(source: DicomSource, zipLimits?: ZipLimits): Promise<LoadedSource> {
  if (typeof source !== 'string') {
    const label = source.length === 1 ? source[0]! : `${source.length} files (first ${source[0] ?? 'none'})`;
    const files: SourceFile[] = [];
    for (const f of source) {
      try {
        files.push({ name: f, bytes: new Uint8Array(await readFile(f)), explicit: true });
      } catch (err) {
        throw new DicomError('READ_FAILED', f, `cannot read: ${(err as Error).message}`);
      }
    }
    return { label, files };
  }
  let info;
  try {
    info = await stat(source);
  } catch (err) {
    throw new DicomError('READ_FAILED', source, `cannot read: ${(err as Error).message}`);
  }
  if (info.isDirectory()) {
    const paths: string[] = [];
    try {
      await walk(source, paths);
    } catch (err) {
      throw new DicomError('READ_FAILED', source, `cannot list the folder: ${(err as Error).message}`);
    }
    const files: SourceFile[] = [];
    for (const p of paths) {
      try {
        files.push({ name: p, bytes: new Uint8Array(await readFile(p)), explicit: false });
      } catch (err) {
        throw new DicomError('READ_FAILED', p, `cannot read: ${(err as Error).message}`);
      }
    }
    return { label: source, files };
  }
  if (/\.zip$/i.test(source)) {
    const entries = await readZipEntries(source, zipLimits);
    return { label: source, files: entries.map((e) => ({ name: `${source}!${e.name}`, bytes: e.bytes, explicit: false })) };
  }
  return { label: source, files: [{ name: source, bytes: new Uint8Array(await readFile(source)), explicit: true }] };
}
