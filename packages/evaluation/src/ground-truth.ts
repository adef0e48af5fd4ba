import { rasteriseRoi, readRtStruct, type RtStructRead } from '@seahorse/dicom';
import { readNifti, type GridXYZ, type VolumeXYZ } from '@seahorse/io';
import { isDicomSource } from './read-scan.js';
import { GroundTruthError } from './errors.js';
import type { SubjectInputs } from './subject-inputs.js';

/** One structure's binary ground truth on its file's grid, with the file it came from. */
export type GroundTruthMask = VolumeXYZ<Uint8Array> & { readonly file: string };

/** Finds a structure's entry by name, case-insensitively (MSD writes "Anterior", models "anterior"). */
function lookup<T>(table: Record<string, T>, name: string): T | undefined {
  if (name in table) return table[name];
  const key = Object.keys(table).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : table[key];
}

/**
 * The binary ground truth of each structure, in `structures` order. One set of rules:
 * - **masks** (one file per structure, looked up by name, case-insensitively): every voxel must be
 *   0 or 1; anything else is refused, naming the file, the value and the voxel index;
 * - **label map** (one file, structures looked up by name in its label table, case-insensitively):
 *   a structure's mask is the voxels equal to its value;
 * - **RTSTRUCT** (a structure's mask file is a DICOM RT Structure Set; several structures may name
 *   the same file): the ROI named like the structure (case-insensitively), rasterised onto `grid`
 *   (the image's, required then) by `@seahorse/dicom`'s even-odd rule.
 * @throws GroundTruthError for no ground truth, a missing structure or a non-binary mask;
 *   NiftiFormatError (from `@seahorse/io`) for an unreadable file.
 * @example
 * ```ts
 * const [left, right] = readGroundTruth(subject, ['hippocampus_L', 'hippocampus_R']);
 * ```
 */
export function readGroundTruth(subject: SubjectInputs, structures: readonly string[], grid?: GridXYZ): GroundTruthMask[] {
  const gt = subject.groundTruth;
  if (!gt) throw new GroundTruthError(`subject ${subject.id}: no ground truth`);
  if (gt.kind === 'masks') {
    const structureSets = new Map<string, RtStructRead>();
    return structures.map((name) => {
      const file = lookup(gt.masks, name);
      if (!file) throw new GroundTruthError(`subject ${subject.id}: no ground-truth mask for structure '${name}' (has: ${Object.keys(gt.masks).join(', ') || 'none'})`);
      if (isDicomSource(file)) {
        if (!grid) throw new GroundTruthError(`${file}: an RTSTRUCT needs the image grid to be rasterised onto`);
        const rt = structureSets.get(file) ?? readRtStruct(file);
        structureSets.set(file, rt);
        const roi = rt.rois.find((r) => r.name.toLowerCase() === name.toLowerCase());
        if (!roi) throw new GroundTruthError(`${file}: the RTSTRUCT has no ROI '${name}' (ROIs: ${rt.rois.map((r) => r.name).join(', ') || 'none'})`);
        return { ...rasteriseRoi(rt, roi.name, grid), file };
      }
      const mask = readNifti(file, { kind: 'label' });
      const data = new Uint8Array(mask.data.length);
      for (let i = 0; i < data.length; i++) {
        const v = mask.data[i]!;
        if (v !== 0 && v !== 1) throw new GroundTruthError(`${file}: ground truth must be binary (0/1), found ${v} at voxel index ${i}`);
        data[i] = v;
      }
      return { data, shapeXYZ: mask.shapeXYZ, affine: mask.affine, kind: 'label', file };
    });
  }
  const map = readNifti(gt.file, { kind: 'label' });
  return structures.map((name) => {
    const value = lookup(gt.labels, name);
    if (value === undefined) throw new GroundTruthError(`${gt.file}: the label map names no structure '${name}' (labels: ${Object.keys(gt.labels).join(', ')})`);
    const data = new Uint8Array(map.data.length);
    for (let i = 0; i < data.length; i++) data[i] = map.data[i] === value ? 1 : 0;
    return { data, shapeXYZ: map.shapeXYZ, affine: map.affine, kind: 'label', file: gt.file };
  });
}
