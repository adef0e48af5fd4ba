import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeFileAtomic } from '@seahorse/files';
import { encodeNifti, readNifti, type VolumeXYZ } from '@seahorse/io';
import { viewerDataScript, viewerPageHtml, type DisplayConvention } from '@seahorse/metrics';
import { readScan } from './read-scan.js';
import { readGroundTruth } from './ground-truth.js';
import type { SubjectInputs } from './subject-inputs.js';

/** The viewer's file names: the page and its data script beside the segmentation, NiiVue once per folder given. */
export const VIEWER_FILES = { page: 'viewer.html', data: 'viewer-data.js', niivue: 'niivue.js' } as const;

const require = createRequire(import.meta.url);

/**
 * NiiVue's UMD build (a classic script that sets `window.niivue`), from the installed
 * `@niivue/niivue` package (its exports map names no file for it, so it is found on disk).
 */
export function niivueScriptFile(): string {
  for (const dir of require.resolve.paths('@niivue/niivue') ?? []) {
    const file = path.join(dir, '@niivue', 'niivue', 'dist', 'niivue.umd.js');
    if (existsSync(file)) return file;
  }
  throw new Error('@niivue/niivue is not installed (its dist/niivue.umd.js was not found): run npm install');
}

/** A relative URL from `fromDir` to `file`, each segment percent-encoded. */
function relativeUrl(fromDir: string, file: string): string {
  return path.relative(fromDir, file).split(path.sep).map((s) => (s === '..' ? s : encodeURIComponent(s))).join('/');
}

const gz = (bytes: Uint8Array, file: string) => (file.endsWith('.gz') ? bytes : gzipSync(bytes));

/** The prediction's centroid in world mm (the volume's centre when nothing is predicted). */
function focusMm(segmentation: VolumeXYZ): [number, number, number] {
  const [nx, ny, nz] = segmentation.shapeXYZ;
  let n = 0, sx = 0, sy = 0, sz = 0;
  for (let z = 0, i = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++, i++) {
    if (segmentation.data[i] !== 0) { n++; sx += x; sy += y; sz += z; }
  }
  const v = n > 0 ? [sx / n, sy / n, sz / n] : [(nx - 1) / 2, (ny - 1) / 2, (nz - 1) / 2];
  const a = segmentation.affine;
  return [0, 1, 2].map((r) => a[r * 4]! * v[0]! + a[r * 4 + 1]! * v[1]! + a[r * 4 + 2]! * v[2]! + a[r * 4 + 3]!) as [number, number, number];
}

/** The surface of each structure of a label map: its voxels with a face neighbour (or the grid's edge) outside it; the rest 0. */
export function labelSurface(labels: Uint8Array, shapeXYZ: readonly [number, number, number]): Uint8Array {
  const [nx, ny, nz] = shapeXYZ;
  const out = new Uint8Array(labels.length);
  for (let z = 0, i = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++, i++) {
    const l = labels[i]!;
    if (l === 0) continue;
    const inside = (dx: number, dy: number, dz: number) => {
      const [a, b, c] = [x + dx, y + dy, z + dz];
      return a >= 0 && a < nx && b >= 0 && b < ny && c >= 0 && c < nz && labels[a + nx * (b + ny * c)] === l;
    };
    if (!(inside(1, 0, 0) && inside(-1, 0, 0) && inside(0, 1, 0) && inside(0, -1, 0) && inside(0, 0, 1) && inside(0, 0, -1))) out[i] = l;
  }
  return out;
}

/** What {@link writeSubjectViewerPage} wrote. */
export interface WrittenViewerPage {
  readonly page: string;
  readonly data: string;
  readonly niivue: string;
}

/**
 * Writes a subject's interactive viewer (`@seahorse/metrics`' `viewerPageHtml`): `viewer.html`
 * and `viewer-data.js` (the scan, the segmentation and, with ground truth, a label map of it on
 * the segmentation's grid, its surface only, as gzipped NIfTI in base64) beside the segmentation, and NiiVue's
 * script at `niivueFile` (default beside the page) when it is not there already. Every file is
 * written atomically, the page last. The page opens from disk with no network.
 * @throws NiftiFormatError, GroundTruthError naming the file; FileWriteError when a file cannot be written.
 */
export async function writeSubjectViewerPage(args: {
  subject: SubjectInputs; segmentationFile: string; structures: readonly string[]; title?: string; convention?: DisplayConvention;
  /** The folder of the page and its data. Default: the segmentation's. */
  outDir?: string;
  /** Where NiiVue's script is (written when missing, e.g. once per run). Default: beside the page. */
  niivueFile?: string;
  /** A report to link back to. */
  reportFile?: string;
  /** The scan when already read (e.g. from DICOM by `readScan`). */
  scan?: VolumeXYZ;
}): Promise<WrittenViewerPage> {
  const outDir = args.outDir ?? path.dirname(args.segmentationFile);
  const niivue = args.niivueFile ?? path.join(outDir, VIEWER_FILES.niivue);
  const source = niivueScriptFile();
  if (!existsSync(niivue) || statSync(niivue).size !== statSync(source).size) writeFileAtomic(niivue, readFileSync(source), { createFolder: true });

  const segmentation = readNifti(args.segmentationFile, { kind: 'label' });
  // The scan as stored when it is a NIfTI file (its own datatype, smallest); else (DICOM) encoded from the volume read.
  const image = args.subject.images[0]!;
  const scan = /\.nii(\.gz)?$/i.test(image) && existsSync(image) && statSync(image).isFile()
    ? gz(readFileSync(image), image)
    : gzipSync(encodeNifti(args.scan ?? (await readScan(image)).volume));
  let groundTruth: string | null = null;
  if (args.subject.groundTruth) {
    const masks = readGroundTruth(args.subject, args.structures, segmentation);
    const labels = new Uint8Array(segmentation.data.length);
    masks.forEach((m, s) => { for (let i = 0; i < labels.length; i++) if (m.data[i]) labels[i] = s + 1; });
    groundTruth = Buffer.from(gzipSync(encodeNifti({ data: labelSurface(labels, segmentation.shapeXYZ), shapeXYZ: segmentation.shapeXYZ, affine: segmentation.affine, kind: 'label' }))).toString('base64');
  }
  const counts = new Array<number>(args.structures.length).fill(0);
  for (const v of segmentation.data) if (v > 0 && v <= counts.length) counts[v - 1]!++;

  const dataFile = path.join(outDir, VIEWER_FILES.data);
  writeFileAtomic(dataFile, viewerDataScript({
    scan: Buffer.from(scan).toString('base64'),
    prediction: Buffer.from(gz(readFileSync(args.segmentationFile), args.segmentationFile)).toString('base64'),
    groundTruth, focusMm: focusMm(segmentation),
  }), { createFolder: true });
  const page = path.join(outDir, VIEWER_FILES.page);
  writeFileAtomic(page, viewerPageHtml({
    title: args.title ?? `subject ${args.subject.id}`, structures: args.structures, labelled: groundTruth !== null,
    emptyStructures: args.structures.filter((_, i) => counts[i] === 0),
    niivueSrc: relativeUrl(outDir, niivue), dataSrc: relativeUrl(outDir, dataFile),
    ...(args.convention ? { convention: args.convention } : {}),
    ...(args.reportFile ? { reportHref: relativeUrl(outDir, args.reportFile) } : {}),
  }));
  return { page, data: dataFile, niivue };
}
