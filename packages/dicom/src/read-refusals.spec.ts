import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeWithSharedData, runPythonReference, sharedPath } from '@seahorse/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { DicomError, readDicomSeries, safeZipEntryName, type DicomSeriesRead } from './index.js';

// Variants of the real Siemens E11 series written by pydicom (tools/reference/dicom_fixtures.py).
const BASE = 'data/dicom/siemens_sag_t1_2d_hfs';
const work = mkdtempSync(path.join(os.tmpdir(), 'seahorse-dicom-fx-'));

async function fixture(kind: string): Promise<string> {
  const { out } = await runPythonReference<{ out: string }>('dicom_fixtures.py', [kind, sharedPath(BASE), path.join(work, kind)]);
  return out;
}

async function refusal(source: string | string[], options = {}): Promise<DicomError> {
  try {
    await readDicomSeries(source, options);
  } catch (err) {
    expect(err).toBeInstanceOf(DicomError);
    return err as DicomError;
  }
  throw new Error(`${String(source)} was read, a refusal was expected`);
}

const sameVolume = (a: DicomSeriesRead, b: DicomSeriesRead) => {
  expect(Array.from(a.volume.affine)).toEqual(Array.from(b.volume.affine));
  expect(a.volume.shapeXYZ).toEqual(b.volume.shapeXYZ);
  expect(a.volume.data.constructor).toBe(b.volume.data.constructor);
  expect(Buffer.from(a.volume.data.buffer).equals(Buffer.from(b.volume.data.buffer))).toBe(true);
};

describeWithSharedData('readDicomSeries: sorting, codecs and refusals', [BASE], () => {
  let original: DicomSeriesRead;
  beforeAll(async () => {
    original = await readDicomSeries(sharedPath(BASE));
  });

  describe('sorting', () => {
    it('shuffled file names and instance numbers that do not follow position give the same volume', async () => {
      sameVolume(await readDicomSeries(await fixture('shuffled')), original);
    });

    it('a list of files in reverse order gives the same volume', async () => {
      const files = readdirSync(sharedPath(BASE)).map((f) => sharedPath(BASE, f)).reverse();
      sameVolume(await readDicomSeries(files), original);
    });

    it('a zip with the series in a sub-folder gives the same volume', async () => {
      sameVolume(await readDicomSeries(await fixture('zip')), original);
    });
  });

  describe('compressed transfer syntaxes (recompressed by pydicom) decode to the same voxels', () => {
    for (const [kind, uid] of [['rle', '1.2.840.10008.1.2.5'], ['jpegls', '1.2.840.10008.1.2.4.80'], ['j2k', '1.2.840.10008.1.2.4.90']] as const) {
      it(kind, async () => {
        const r = await readDicomSeries(await fixture(kind));
        expect(r.series.transferSyntaxUid).toBe(uid);
        sameVolume(r, original);
      });
    }
  });

  describe('refusals name the source and the reason', () => {
    it('two series: lists both, and either can be chosen by SeriesInstanceUID or series number', async () => {
      const dir = await fixture('two_series');
      const err = await refusal(dir);
      expect(err.code).toBe('SEVERAL_SERIES');
      expect(err.message).toContain(dir);
      expect(err.message).toContain(original.series.seriesInstanceUid);
      expect(err.message).toMatch(/series number 3\b.*series number 103\b/);
      sameVolume(await readDicomSeries(dir, { series: 3 }), original);
      sameVolume(await readDicomSeries(dir, { series: original.series.seriesInstanceUid }), original);
      const copy = await readDicomSeries(dir, { series: 103 });
      expect(copy.series.seriesInstanceUid).not.toBe(original.series.seriesInstanceUid);
      expect((await refusal(dir, { series: 7 })).code).toBe('SERIES_NOT_FOUND');
    });

    it('a removed slice', async () => {
      const dir = await fixture('removed_slice');
      const err = await refusal(dir);
      expect(err.code).toBe('NON_UNIFORM_SPACING');
      expect(err.message).toContain(dir);
      expect(err.message).toMatch(/4\.800 to 9\.600 mm.*a slice is missing/);
    });

    it('non-uniform spacing', async () => {
      const err = await refusal(await fixture('uneven'));
      expect(err.code).toBe('NON_UNIFORM_SPACING');
      expect(err.message).toMatch(/4\.800 to 5\.800 mm/);
      expect(err.message).not.toMatch(/missing/);
    });

    it('a gantry tilt (positions drift in-plane)', async () => {
      const err = await refusal(await fixture('tilt'));
      expect(err.code).toBe('GANTRY_TILT');
      expect(err.message).toMatch(/5\.9\d*° gantry tilt/);
    });

    it('non-parallel slices', async () => {
      expect((await refusal(await fixture('non_parallel'))).code).toBe('NON_PARALLEL_SLICES');
    });

    it('a 4-D series (two images at every position)', async () => {
      const err = await refusal(await fixture('four_d'));
      expect(err.code).toBe('FOUR_D');
      expect(err.message).toContain('70 images at 35 slice positions');
    });
  });

  describe('corrupt input: a clear error naming the file', () => {
    it('a truncated file', async () => {
      const dir = await fixture('truncated');
      const err = await refusal(dir);
      expect(err.code).toBe('PARSE_FAILED');
      expect(err.message).toMatch(new RegExp(`^${dir}/0001_[^:]+\\.dcm: .*truncated`));
    });

    it('a missing Pixel Data element', async () => {
      const err = await refusal(await fixture('no_pixels'));
      expect(err.code).toBe('MISSING_PIXEL_DATA');
      expect(err.message).toMatch(/0001_[^:]+\.dcm: .*\(7FE0,0010\)/);
    });

    it('an unknown transfer syntax', async () => {
      const err = await refusal(await fixture('unknown_ts'));
      expect(err.code).toBe('UNSUPPORTED_TRANSFER_SYNTAX');
      expect(err.message).toMatch(/0001_[^:]+\.dcm: transfer syntax 1\.2\.840\.10008\.1\.2\.4\.100 is not one Seahorse decodes/);
    });

    it("a zip with a '../' entry is refused and nothing is written beside it", async () => {
      const zip = await fixture('zip_slip');
      const err = await refusal(zip);
      expect(err.code).toBe('ZIP_UNSAFE_ENTRY');
      expect(err.message).toContain(`${zip}: entry '../evil.dcm'`);
      expect(existsSync(path.join(path.dirname(zip), '..', 'evil.dcm'))).toBe(false);
    });

    it('a zip bomb (300 MB of zeros) is refused by its ratio, and by total size', async () => {
      const zip = await fixture('zip_bomb');
      const err = await refusal(zip);
      expect(err.code).toBe('ZIP_TOO_LARGE');
      expect(err.message).toMatch(/zeros\.bin' inflates \d+ bytes to 314572800/);
      const small = await refusal(zip, { zipLimits: { maxTotalBytes: 1_000_000, maxRatio: 1e9 } });
      expect(small.code).toBe('ZIP_TOO_LARGE');
      expect(small.message).toMatch(/limit of 1000000 bytes/);
    });

    it('an explicitly named file that is not DICOM', async () => {
      const err = await refusal([sharedPath('data/dicom/README.md')]);
      expect(err.code).toBe('NOT_DICOM');
    });
  });
});

describe('safeZipEntryName', () => {
  it.each([
    ['scan/a.dcm', true], ['a..b.dcm', true], ['../a.dcm', false], ['scan/../../a.dcm', false],
    ['/etc/passwd', false], ['C:/x.dcm', false], ['scan\\..\\a.dcm', false],
  ])('%s → %s', (name, ok) => expect(safeZipEntryName(name)).toBe(ok));
});
