/**
 * Writing a DICOM Part 10 file with dcmjs: a naturalised data set (keyword → value) and its file
 * meta information, Explicit VR Little Endian.
 */
import { createRequire } from 'node:module';
import { dcmjs } from './untyped-packages.js';

const { DicomMetaDictionary, DicomDict } = dcmjs.data;

/** Seahorse's implementation class UID (UUID-derived, fixed) and version name. */
export const IMPLEMENTATION_CLASS_UID = '2.25.177044364146052733409937035062787370215';
const pkg = createRequire(import.meta.url)('../package.json') as { version: string };
/** The package version written into SoftwareVersions by default. */
export const SEAHORSE_VERSION = pkg.version;

/** A naturalised data set, as dcmjs names it. */
export type NaturalDataset = Record<string, unknown>;

/** The Part 10 bytes of a data set. */
export function encodePart10(dataset: NaturalDataset): Uint8Array {
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: dataset.SOPClassUID,
    MediaStorageSOPInstanceUID: dataset.SOPInstanceUID,
    TransferSyntaxUID: '1.2.840.10008.1.2.1',
    ImplementationClassUID: IMPLEMENTATION_CLASS_UID,
    ImplementationVersionName: `SEAHORSE_${SEAHORSE_VERSION}`.slice(0, 16),
  };
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(dataset);
  return new Uint8Array(dict.write() as ArrayBuffer);
}
