import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/**
 * Lower-case hex sha256 of bytes, or of a string's UTF-8 encoding.
 * @example
 * ```ts
 * sha256Hex('abc'); // 'ba7816bf…'
 * ```
 */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Lower-case hex sha256 of a file's bytes, streamed in 4 MiB chunks (bounded memory).
 * @throws the file system's error (`ENOENT`…) when the file cannot be read.
 * @example
 * ```ts
 * await sha256File('models/demo/members/01-OTHER_RUNS_1.onnx');
 * ```
 */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 4 * 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * sha256 of a file, or of a folder's content (a DICOM series): the hex sha256 of the sorted lines
 * `<relative path>\0<sha256 of the file>` of every file below it, so renaming, adding, removing or
 * changing any file changes it.
 */
export async function sha256Path(p: string): Promise<string> {
  if (!(await stat(p)).isDirectory()) return sha256File(p);
  const lines: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile()) lines.push(`${path.relative(p, full)}\0${await sha256File(full)}`);
    }
  };
  await walk(p);
  return sha256Hex(lines.sort().join('\n'));
}
