import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_ZIP_LIMITS, inspectZip, isUnsafeEntryName, unpackDicomZip, ZipRefusedError } from './zip-archive.js';
import { emptyZip, fakeDicom, makeZip, zipBomb, zipWithName } from './testing/zips.test-helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'seahorse-zip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function saved(bytes: Buffer): [string, number] {
  const file = path.join(dir, `z${n++}.zip`);
  writeFileSync(file, bytes);
  return [file, bytes.length];
}
async function refusal(bytes: Buffer, limits = DEFAULT_ZIP_LIMITS): Promise<ZipRefusedError> {
  const [file, size] = saved(bytes);
  const err = await inspectZip(file, size, limits).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ZipRefusedError);
  return err as ZipRefusedError;
}

describe('inspectZip: what a start refuses', () => {
  it('accepts a zip of DICOM files, in folders, skipping macOS metadata and other files', async () => {
    const [file, size] = saved(await makeZip({ 'a/': '', 'a/1.dcm': fakeDicom(), 'b/1.dcm': fakeDicom(), '__MACOSX/a/._1.dcm': 'x', 'notes.txt': 'hello' }));
    expect(await inspectZip(file, size)).toMatchObject({ files: 3, dicomFiles: 2 });
  });
  it('refuses bytes that are not a zip', async () => {
    expect((await refusal(Buffer.from('not a zip at all, just text'))).problem).toBe('NOT_A_ZIP');
  });
  it('refuses an empty zip, and one of folders only', async () => {
    expect((await refusal(await emptyZip())).problem).toBe('EMPTY');
    expect((await refusal(await makeZip({ 'a/': '' }))).problem).toBe('EMPTY');
  });
  it('refuses a zip without a DICOM file', async () => {
    const err = await refusal(await makeZip({ 'a.txt': 'hello', 'b.bin': Buffer.alloc(500, 7) }));
    expect(err.problem).toBe('NO_DICOM');
    expect(err.message).toMatch(/none of the zip's 2 file\(s\) is a DICOM file/);
  });
  it('refuses a zip bomb by its compression ratio, and by its unpacked total', async () => {
    expect((await refusal(await zipBomb(20))).problem).toBe('RATIO');
    const big = await makeZip({ '1.dcm': Buffer.concat([fakeDicom(), Buffer.alloc(3 * 1024 * 1024)]) }, { store: true });
    expect((await refusal(big, { ...DEFAULT_ZIP_LIMITS, maxUncompressedBytes: 2 * 1024 * 1024 })).problem).toBe('TOO_LARGE');
  });
  it('refuses too many entries', async () => {
    const entries = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`${i}.dcm`, fakeDicom()]));
    expect((await refusal(await makeZip(entries), { ...DEFAULT_ZIP_LIMITS, maxEntries: 10 })).problem).toBe('TOO_MANY_ENTRIES');
  });
  it.each(['../../evil.dcm', 'a/../../evil.dcm', '/etc/evil.dcm', 'C:/evil.dcm', '..\\..\\evil.dcm'])('refuses the zip-slip name %s without echoing it', async (name) => {
    const err = await refusal(await zipWithName(name));
    expect(err.problem).toBe('UNSAFE_NAME');
    expect(err.message).not.toContain('evil');
  });
  it('isUnsafeEntryName allows names that only look odd', () => {
    expect(isUnsafeEntryName('a/..b/c.dcm')).toBe(false);
    expect(isUnsafeEntryName('a/b..dcm')).toBe(false);
    expect(isUnsafeEntryName('a/../b.dcm')).toBe(true);
  });
});

describe('unpackDicomZip: numbered files, every DICOM kept', () => {
  it('keeps files that share a basename (InnerEye score.py fails on them) and skips non-DICOM files', async () => {
    const [file, size] = saved(await makeZip({ 'T1/IM0001': fakeDicom('one'), 'T2/IM0001': fakeDicom('two'), 'readme.txt': 'x' }));
    const out = path.join(dir, 'unpacked');
    const files = await unpackDicomZip(file, size, out);
    expect(files).toEqual([{ file: '00001.dcm', uploadedName: 'T1/IM0001' }, { file: '00002.dcm', uploadedName: 'T2/IM0001' }]);
    expect(readdirSync(out).sort()).toEqual(['00001.dcm', '00002.dcm']);
    expect(readFileSync(path.join(out, '00002.dcm'))).toEqual(fakeDicom('two'));
  });
});
