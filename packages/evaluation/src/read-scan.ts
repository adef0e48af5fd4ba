import { openSync, readSync, closeSync, statSync } from 'node:fs';
import { readDicomSeries, type DicomSeriesRead } from '@seahorse/dicom';
import { readNifti, type VolumeXYZ } from '@seahorse/io';

/**
 * Whether a path names DICOM rather than NIfTI: a folder, a `.zip`, a `.dcm`, or a file with the
 * DICOM Part 10 prefix (`DICM` at byte 128).
 */
export function isDicomSource(file: string): boolean {
  let info;
  try {
    info = statSync(file);
  } catch {
    return false;
  }
  if (info.isDirectory()) return true;
  if (/\.(zip|dcm)$/i.test(file)) return true;
  if (/\.nii(\.gz)?$/i.test(file) || info.size < 132) return false;
  const fd = openSync(file, 'r');
  try {
    const b = Buffer.alloc(4);
    readSync(fd, b, 0, 4, 128);
    return b.toString('latin1') === 'DICM';
  } finally {
    closeSync(fd);
  }
}

/** A scan read from NIfTI or DICOM; `dicom` is set for DICOM (its identifying values stay here). */
export interface ScanRead {
  readonly volume: VolumeXYZ;
  readonly dicom?: DicomSeriesRead;
}

/**
 * The one home for reading a scan: NIfTI through `@seahorse/io`, a DICOM folder, zip or file
 * through `@seahorse/dicom` (one series; `series` chooses among several).
 * `dicom.series.patientStudy` identifies the patient: never return it from an activity.
 * @throws NiftiFormatError or DicomError, naming the file and the reason.
 */
export async function readScan(file: string, options: { series?: string | number } = {}): Promise<ScanRead> {
  if (!isDicomSource(file)) return { volume: readNifti(file) };
  const dicom = await readDicomSeries(file, options.series === undefined ? {} : { series: options.series });
  return { volume: dicom.volume, dicom };
}
