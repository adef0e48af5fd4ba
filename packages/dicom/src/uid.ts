import { randomUUID } from 'node:crypto';

/** A new DICOM UID under the UUID-derived root `2.25` (PS3.5 B.2): no registered root needed. */
export function newUid(): string {
  return `2.25.${BigInt(`0x${randomUUID().replace(/-/g, '')}`).toString(10)}`;
}

/** DICOM DA and TM of a moment (UTC). */
export function dicomDateTime(d: Date): { date: string; time: string } {
  const iso = d.toISOString();
  return { date: iso.slice(0, 10).replace(/-/g, ''), time: iso.slice(11, 19).replace(/:/g, '') };
}
