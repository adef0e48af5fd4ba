// Zips for the service's tests, built with yazl (and patched bytes where yazl refuses to write
// what an attacker would).
import yazl from 'yazl';

/** Bytes that pass as a DICOM Part-10 file's preamble (128 zero bytes, `DICM`), then `tail`. */
export function fakeDicom(tail = 'fake data element'): Buffer {
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM', 'latin1'), Buffer.from(tail)]);
}

/** A zip of `entries` (name → bytes), deflated unless `store`. */
export async function makeZip(entries: Record<string, Buffer | string>, options: { store?: boolean } = {}): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, data] of Object.entries(entries)) {
    if (name.endsWith('/')) zip.addEmptyDirectory(name);
    else zip.addBuffer(Buffer.isBuffer(data) ? data : Buffer.from(data), name, { compress: !options.store });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

/** An empty zip (only the end-of-central-directory record). */
export async function emptyZip(): Promise<Buffer> {
  return await makeZip({});
}

/** A zip whose entry is named `evil` (e.g. `../../x.dcm`, `/etc/x.dcm`): written under a same-length safe name, then renamed in place. */
export async function zipWithName(evil: string, data: Buffer = fakeDicom()): Promise<Buffer> {
  const placeholder = 'a'.repeat(evil.length);
  const zip = await makeZip({ [placeholder]: data });
  const from = Buffer.from(placeholder, 'latin1');
  const to = Buffer.from(evil, 'latin1');
  let at = zip.indexOf(from);
  let replaced = 0;
  while (at >= 0) {
    to.copy(zip, at);
    replaced++;
    at = zip.indexOf(from, at + from.length);
  }
  if (replaced !== 2) throw new Error(`expected the name twice (local header, central directory), found it ${replaced} times`);
  return zip;
}

/** A zip bomb: `megabytes` MiB of zeros, deflated to about a thousandth of that. */
export async function zipBomb(megabytes = 20): Promise<Buffer> {
  return await makeZip({ 'scan/00001.dcm': Buffer.concat([fakeDicom(), Buffer.alloc(megabytes * 1024 * 1024)]) });
}
