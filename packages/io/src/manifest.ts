import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { CsvSyntaxError, parseCsv } from './csv.js';
import { ManifestError, NiftiFormatError, SpaceMismatchError } from './errors.js';
import { assertSameSpace } from './geometry.js';
import { readNiftiGeometry, type NiftiGeometry } from './nifti-read.js';

/** An image channel of a subject (an MRI sequence, say). */
export interface ImageChannel {
  /** Channel name: InnerEye's `channel` column, MSD's `modality`, nnU-Net's `channel_names`. */
  readonly channel: string;
  /** Absolute path, checked to lie inside the dataset root. */
  readonly file: string;
  /** The path as the manifest wrote it. */
  readonly path: string;
  /** For an MSD 4-D image holding several modalities: which volume is this channel. */
  readonly volumeIndex?: number;
}

/** One structure's binary mask (InnerEye: one file per structure, 0/1). */
export interface StructureMask {
  readonly name: string;
  readonly file: string;
  readonly path: string;
}

/** A structure of a label map: voxels equal to `value` belong to `name`. */
export interface LabelEntry {
  readonly value: number;
  readonly name: string;
}

/**
 * A subject's ground truth:
 * - `'masks'`: one binary mask file per structure (InnerEye `dataset.csv`);
 * - `'labelMap'`: one integer file whose values name structures (MSD / nnU-Net); `labels` lists the
 *   foreground structures (value > 0), `background` is the name of value 0;
 * - `'none'`: no ground truth (InnerEye subject with only image channels).
 */
export type GroundTruth =
  | { readonly kind: 'masks'; readonly structures: readonly StructureMask[] }
  | { readonly kind: 'labelMap'; readonly file: string; readonly path: string; readonly labels: readonly LabelEntry[]; readonly background: string }
  | { readonly kind: 'none' };

/** One subject of a cohort. */
export interface CohortSubject {
  /** InnerEye's `subject` (a positive integer, as text), or the MSD/nnU-Net case name. */
  readonly id: string;
  readonly images: readonly ImageChannel[];
  readonly groundTruth: GroundTruth;
  /** InnerEye's optional columns, from the subject's first row that has them. */
  readonly metadata: { readonly seriesId?: string; readonly institutionId?: string; readonly tags?: readonly string[]; readonly groupId?: string };
  /** Where the subject is in the manifest, e.g. `'lines 2, 3, 4'` or `'training[0]'`. */
  readonly source: string;
}

/** A dataset: subjects with image channels and ground truth, from one manifest. */
export interface Cohort {
  readonly format: 'innereye-csv' | 'msd-json' | 'nnunet-json';
  /** Absolute path of the manifest. */
  readonly manifest: string;
  /** The dataset root: the manifest's folder. Every file lies inside it. */
  readonly root: string;
  readonly name?: string;
  readonly subjects: readonly CohortSubject[];
}

/** Options of {@link loadCohort}. */
export interface LoadCohortOptions {
  /**
   * Read every file's NIfTI header and check that each subject's files share the first image's
   * grid (shape, spacing, direction, origin; see `geometryTolerance`). Only headers are read.
   * Default `true`.
   */
  checkGeometry?: boolean;
  /** Tolerances of the geometry check (`assertSameSpace`). Default `{ rtol: 1e-5, atol: 1e-5 }`. */
  geometryTolerance?: { rtol?: number; atol?: number };
  /** InnerEye CSV: which channels are images. Default `['mri']` (InnerEye's Hippocampus config). */
  imageChannels?: readonly string[];
  /** InnerEye CSV: which channels are ground-truth masks, in order. Default: every other channel, sorted. */
  groundTruthChannels?: readonly string[];
  /**
   * Keep subjects whose files do not exist (their paths are still checked to lie inside the
   * dataset root), instead of rejecting the whole manifest; the geometry check then skips those
   * subjects. For cohort runs, where one subject's missing file must fail only that subject.
   * Default `false`.
   */
  allowMissingFiles?: boolean;
}

const OptionsSchema = z.object({
  checkGeometry: z.boolean().optional(),
  geometryTolerance: z.object({ rtol: z.number().nonnegative().optional(), atol: z.number().nonnegative().optional() }).strict().optional(),
  imageChannels: z.array(z.string().min(1)).min(1).optional(),
  groundTruthChannels: z.array(z.string().min(1)).optional(),
  allowMissingFiles: z.boolean().optional(),
}).strict();

const CsvRowSchema = z.object({
  subject: z.string().regex(/^[0-9]+$/, 'must be a positive integer (InnerEye names output folders by it)')
    .refine((s) => Number(s) > 0, 'must be a positive integer'),
  filePath: z.string().min(1, 'is empty'),
  channel: z.string().min(1, 'is empty').regex(/^\S(.*\S)?$/, 'must not start or end with spaces'),
  seriesId: z.string().optional(),
  institutionId: z.string().optional(),
  tags: z.string().optional(),
  groupID: z.string().optional(),
});

const RelativePath = z.string().min(1, 'is empty');
const MsdSchema = z.object({
  name: z.string().optional(),
  modality: z.record(z.string().regex(/^[0-9]+$/, 'modality keys must be integers'), z.string()).optional(),
  labels: z.record(z.string().regex(/^[0-9]+$/, 'label keys must be integers'), z.string().min(1)),
  training: z.array(z.object({ image: RelativePath, label: RelativePath })).min(1, 'lists no cases'),
});
const NnunetSchema = z.object({
  name: z.string().optional(),
  channel_names: z.record(z.string().regex(/^[0-9]+$/, 'channel keys must be integers'), z.string()),
  labels: z.record(z.string().min(1), z.unknown().transform((v, ctx) => {
    if (Array.isArray(v)) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)}: region-based labels (lists) are not supported` });
    else if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is not a non-negative integer label value` });
    return v as number;
  })),
  file_ending: z.string().regex(/^\.[A-Za-z0-9.]+$/, 'must look like ".nii.gz"'),
  numTraining: z.number().int().nonnegative().optional(),
});

/** `training[3].label` from a zod issue path. */
function issuePath(p: readonly PropertyKey[]): string {
  return p.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${String(k)}` : String(k)), '') || '(root)';
}

/** The most specific message of a zod issue (v4 nests record-key issues). */
function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_key' && issue.issues[0]) return `invalid key: ${issue.issues[0].message}`;
  return issue.message;
}

/** First zod issue as a ManifestError. */
function zodError(file: string, error: z.ZodError, prefix = ''): ManifestError {
  const issue = error.issues[0]!;
  const where = issuePath(issue.path);
  return new ManifestError('BAD_FIELD', file, prefix ? `${prefix}${where === '(root)' ? '' : `.${where}`}` : where, issueMessage(issue));
}

/**
 * Resolves a manifest path inside the dataset root and checks that the file exists.
 * @throws ManifestError `PATH_ESCAPE` for absolute paths, `..` that leaves the root, or a symlink
 *   whose target lies outside; `MISSING_FILE` when there is no such file.
 */
export function resolveInsideRoot(root: string, relative: string, manifest: string, location: string,
  options: { allowMissing?: boolean } = {}): string {
  if (relative.includes('\0')) throw new ManifestError('PATH_ESCAPE', manifest, location, `${JSON.stringify(relative)} contains a NUL byte`);
  if (path.isAbsolute(relative) || /^[A-Za-z]:[\\/]/.test(relative) || relative.startsWith('\\')) {
    throw new ManifestError('PATH_ESCAPE', manifest, location,
      `${JSON.stringify(relative)} is absolute; paths must be relative to the dataset root ${root}`);
  }
  const resolved = path.resolve(root, relative);
  const rel = path.relative(root, resolved);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new ManifestError('PATH_ESCAPE', manifest, location, `${JSON.stringify(relative)} leaves the dataset root ${root}`);
  }
  if (!existsSync(resolved)) {
    if (options.allowMissing) return resolved;
    throw new ManifestError('MISSING_FILE', manifest, location, `${JSON.stringify(relative)} does not exist (looked for ${resolved})`);
  }
  const realRoot = realpathSync(root);
  const real = realpathSync(resolved);
  const realRel = path.relative(realRoot, real);
  if (realRel === '' || realRel.startsWith('..') || path.isAbsolute(realRel)) {
    throw new ManifestError('PATH_ESCAPE', manifest, location,
      `${JSON.stringify(relative)} resolves through a symlink to ${real}, outside the dataset root ${realRoot}`);
  }
  const info = statSync(real);
  // A folder is accepted too: a DICOM series (read by @seahorse/evaluation's readScan).
  if (!info.isFile() && !info.isDirectory()) {
    throw new ManifestError('MISSING_FILE', manifest, location, `${JSON.stringify(relative)} is not a regular file or folder`);
  }
  return resolved;
}

/** A file of a subject with where the manifest names it. */
interface Located { file: string; path: string; location: string }

/** InnerEye `dataset.csv` → cohort (without the geometry check). */
function loadInnerEyeCsv(manifest: string, root: string, text: string, options: LoadCohortOptions): { cohort: Cohort; locate: Map<string, string> } {
  let records;
  try {
    records = parseCsv(text);
  } catch (err) {
    if (err instanceof CsvSyntaxError) throw new ManifestError('BAD_FORMAT', manifest, `line ${err.line}`, err.message.replace(/^line \d+: /, ''));
    throw err;
  }
  const header = records[0];
  if (!header) throw new ManifestError('BAD_FORMAT', manifest, 'line 1', 'the CSV is empty; expected the header subject,filePath,channel');
  for (const required of ['subject', 'filePath', 'channel']) {
    if (!header.fields.includes(required)) {
      throw new ManifestError('BAD_FORMAT', manifest, 'line 1',
        `the header [${header.fields.join(', ')}] lacks the required column ${JSON.stringify(required)} (required: subject, filePath, channel)`);
    }
  }
  const dupColumn = header.fields.find((f, i) => header.fields.indexOf(f) !== i);
  if (dupColumn !== undefined) throw new ManifestError('BAD_FORMAT', manifest, 'line 1', `column ${JSON.stringify(dupColumn)} appears twice`);

  const imageChannels = options.imageChannels ?? ['mri'];
  const rows = new Map<string, { line: number; row: z.infer<typeof CsvRowSchema>; file: string }[]>();
  const seen = new Map<string, number>();
  const locate = new Map<string, string>();
  for (const rec of records.slice(1)) {
    if (rec.fields.length !== header.fields.length) {
      throw new ManifestError('BAD_FORMAT', manifest, `line ${rec.line}`,
        `${rec.fields.length} fields, but the header has ${header.fields.length}`);
    }
    const obj: Record<string, string> = {};
    header.fields.forEach((name, i) => { if (rec.fields[i] !== '') obj[name] = rec.fields[i]!; });
    const parsed = CsvRowSchema.safeParse(obj);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const column = String(issue.path[0] ?? '');
      const value = obj[column];
      throw new ManifestError('BAD_FIELD', manifest, `line ${rec.line}, column ${column}`,
        `${value === undefined ? 'missing' : JSON.stringify(value)}: ${issue.message}`);
    }
    const row = parsed.data;
    const key = `${row.subject}\u0000${row.channel}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw new ManifestError('DUPLICATE', manifest, `line ${rec.line}`,
        `subject ${row.subject} channel ${JSON.stringify(row.channel)} is already given on line ${earlier}`);
    }
    seen.set(key, rec.line);
    const location = `line ${rec.line}, column filePath`;
    const file = resolveInsideRoot(root, row.filePath, manifest, location, { allowMissing: options.allowMissingFiles });
    locate.set(file, location);
    const list = rows.get(row.subject) ?? [];
    list.push({ line: rec.line, row, file });
    rows.set(row.subject, list);
  }
  if (rows.size === 0) throw new ManifestError('BAD_FORMAT', manifest, 'line 2', 'the CSV has a header but no rows');

  const subjects: CohortSubject[] = [];
  for (const id of [...rows.keys()].sort()) {
    const list = rows.get(id)!;
    const lines = `line${list.length > 1 ? 's' : ''} ${list.map((r) => r.line).join(', ')}`;
    const images = imageChannels.flatMap((ch) => list.filter((r) => r.row.channel === ch))
      .map((r) => ({ channel: r.row.channel, file: r.file, path: r.row.filePath }));
    if (images.length === 0) {
      throw new ManifestError('BAD_FIELD', manifest, lines,
        `subject ${id} has no image channel (imageChannels: ${imageChannels.join(', ')}; channels found: ${list.map((r) => r.row.channel).join(', ')})`);
    }
    const gtNames = options.groundTruthChannels ?? [...new Set(list.map((r) => r.row.channel).filter((c) => !imageChannels.includes(c)))].sort();
    const structures: StructureMask[] = [];
    for (const name of gtNames) {
      const r = list.find((x) => x.row.channel === name);
      if (!r) {
        if (options.groundTruthChannels) {
          throw new ManifestError('BAD_FIELD', manifest, lines, `subject ${id} has no ground-truth channel ${JSON.stringify(name)}`);
        }
        continue;
      }
      structures.push({ name, file: r.file, path: r.row.filePath });
    }
    const meta = (k: 'seriesId' | 'institutionId' | 'tags' | 'groupID') => list.find((r) => r.row[k] !== undefined)?.row[k];
    const tags = meta('tags');
    const metadata = {
      ...(meta('seriesId') !== undefined ? { seriesId: meta('seriesId')! } : {}),
      ...(meta('institutionId') !== undefined ? { institutionId: meta('institutionId')! } : {}),
      ...(tags !== undefined ? { tags: tags.replace(/^\[|\]$/g, '').split(';').map((t) => t.trim()).filter((t) => t.length > 0) } : {}),
      ...(meta('groupID') !== undefined ? { groupId: meta('groupID')! } : {}),
    };
    subjects.push({
      id, images, source: lines, metadata,
      groundTruth: structures.length > 0 ? { kind: 'masks', structures } : { kind: 'none' },
    });
  }
  return { cohort: { format: 'innereye-csv', manifest, root, subjects }, locate };
}

/** Label entries sorted by value, foreground only; the name of 0 as background. */
function labelEntries(manifest: string, pairs: [number, string][], field: string): { labels: LabelEntry[]; background: string } {
  const byValue = new Map<number, string>();
  for (const [value, name] of pairs) {
    if (byValue.has(value)) throw new ManifestError('DUPLICATE', manifest, field, `label value ${value} is given twice`);
    byValue.set(value, name);
  }
  if (!byValue.has(0)) throw new ManifestError('BAD_FIELD', manifest, field, 'has no label 0 (background)');
  const labels = [...byValue].filter(([v]) => v !== 0).sort((a, b) => a[0] - b[0]).map(([value, name]) => ({ value, name }));
  if (labels.length === 0) throw new ManifestError('BAD_FIELD', manifest, field, 'has no foreground label');
  return { labels, background: byValue.get(0)! };
}

/** MSD (`training` list) or nnU-Net v2 (`channel_names`, `file_ending`) `dataset.json` → cohort. */
function loadDatasetJson(manifest: string, root: string, text: string, allowMissing = false): { cohort: Cohort; locate: Map<string, string> } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ManifestError('BAD_FORMAT', manifest, '(root)', `not valid JSON: ${(err as Error).message}`);
  }
  const locate = new Map<string, string>();
  if (json !== null && typeof json === 'object' && 'training' in json) {
    const parsed = MsdSchema.safeParse(json);
    if (!parsed.success) throw zodError(manifest, parsed.error);
    const d = parsed.data;
    const { labels, background } = labelEntries(manifest, Object.entries(d.labels).map(([k, v]) => [Number(k), v]), 'labels');
    const modalities = Object.entries(d.modality ?? { 0: 'image' }).map(([k, v]) => [Number(k), v] as const).sort((a, b) => a[0] - b[0]);
    const ids = new Map<string, number>();
    const subjects = d.training.map((c, i): CohortSubject => {
      const imgLoc = `training[${i}].image`;
      const labLoc = `training[${i}].label`;
      const image = resolveInsideRoot(root, c.image, manifest, imgLoc, { allowMissing });
      const label = resolveInsideRoot(root, c.label, manifest, labLoc, { allowMissing });
      locate.set(image, imgLoc);
      locate.set(label, labLoc);
      const id = path.basename(c.image).replace(/\.nii(\.gz)?$/, '');
      const prev = ids.get(id);
      if (prev !== undefined) throw new ManifestError('DUPLICATE', manifest, imgLoc, `case ${JSON.stringify(id)} is already training[${prev}]`);
      ids.set(id, i);
      return {
        id,
        images: modalities.map(([index, channel]) => ({ channel, file: image, path: c.image, ...(modalities.length > 1 ? { volumeIndex: index } : {}) })),
        groundTruth: { kind: 'labelMap', file: label, path: c.label, labels, background },
        metadata: {},
        source: `training[${i}]`,
      };
    });
    return { cohort: { format: 'msd-json', manifest, root, ...(d.name ? { name: d.name } : {}), subjects }, locate };
  }
  const parsed = NnunetSchema.safeParse(json);
  if (!parsed.success) {
    const err = zodError(manifest, parsed.error);
    throw new ManifestError('BAD_FIELD', manifest, err.location,
      `${err.message.slice(err.message.indexOf(': ', manifest.length + 2) + 2)} (expected MSD's "training" list or nnU-Net v2's "channel_names"/"labels"/"file_ending")`);
  }
  const d = parsed.data;
  const { labels, background } = labelEntries(manifest, Object.entries(d.labels).map(([name, v]) => [v as number, name]), 'labels');
  const channels = Object.entries(d.channel_names).map(([k, v]) => [Number(k), v] as const).sort((a, b) => a[0] - b[0]);
  const labelsDir = path.join(root, 'labelsTr');
  if (!existsSync(labelsDir)) throw new ManifestError('MISSING_FILE', manifest, 'file_ending', `no labelsTr folder in ${root}`);
  const cases = readdirSync(labelsDir).filter((f) => f.endsWith(d.file_ending)).map((f) => f.slice(0, -d.file_ending.length)).sort();
  if (cases.length === 0) throw new ManifestError('MISSING_FILE', manifest, 'file_ending', `no labelsTr/*${d.file_ending} files`);
  const subjects = cases.map((id): CohortSubject => {
    const labelPath = `labelsTr/${id}${d.file_ending}`;
    const label = resolveInsideRoot(root, labelPath, manifest, `labels of case ${id}`);
    locate.set(label, `case ${id} (${labelPath})`);
    const images = channels.map(([index, channel]) => {
      const p = `imagesTr/${id}_${String(index).padStart(4, '0')}${d.file_ending}`;
      const file = resolveInsideRoot(root, p, manifest, `channel_names.${index} of case ${id}`, { allowMissing });
      locate.set(file, `case ${id} (${p})`);
      return { channel, file, path: p };
    });
    return { id, images, groundTruth: { kind: 'labelMap', file: label, path: labelPath, labels, background }, metadata: {}, source: `case ${id}` };
  });
  return { cohort: { format: 'nnunet-json', manifest, root, ...(d.name ? { name: d.name } : {}), subjects }, locate };
}

/** Every file of a subject: images first, then ground truth. */
function subjectFiles(s: CohortSubject): { file: string; path: string }[] {
  const gt = s.groundTruth.kind === 'masks' ? s.groundTruth.structures : s.groundTruth.kind === 'labelMap' ? [s.groundTruth] : [];
  const seen = new Set<string>();
  return [...s.images, ...gt].filter((f) => (seen.has(f.file) ? false : (seen.add(f.file), true)));
}

/** Reads headers and checks that each subject's files share the first image's grid. */
function checkCohortGeometry(cohort: Cohort, locate: Map<string, string>, tolerance: LoadCohortOptions['geometryTolerance']): void {
  for (const s of cohort.subjects) {
    const files: (Located & { geometry: NiftiGeometry })[] = subjectFiles(s).map((f) => {
      const location = locate.get(f.file) ?? s.source;
      try {
        return { ...f, location, geometry: readNiftiGeometry(f.file) };
      } catch (err) {
        if (err instanceof NiftiFormatError) {
          throw new ManifestError('BAD_FIELD', cohort.manifest, location, `${JSON.stringify(f.path)} is not a readable NIfTI file: ${err.message}`);
        }
        throw err;
      }
    });
    const [ref, ...others] = files;
    for (const o of others) {
      try {
        assertSameSpace(ref!.geometry, o.geometry, { ...tolerance, names: [ref!.path, o.path] });
      } catch (err) {
        if (err instanceof SpaceMismatchError) {
          throw new ManifestError('GEOMETRY', cohort.manifest, o.location,
            `subject ${s.id}: ${o.path} is not on the grid of ${ref!.path}: ${err.message}`);
        }
        throw err;
      }
    }
  }
}

/**
 * Loads a dataset manifest into one cohort model: InnerEye's `dataset.csv`, MSD's `dataset.json`
 * (`training` list, `labels` map) or nnU-Net v2's `dataset.json` (`channel_names`, `labels`,
 * `file_ending`, cases found in `labelsTr/`).
 *
 * - Paths are relative to the manifest's folder (the dataset root); absolute paths, `..` that leaves
 *   the root and symlinks that point outside it are rejected.
 * - InnerEye: one row per (subject, channel); channels in `imageChannels` are images, the others
 *   binary ground-truth masks (one per structure). Subjects are positive integers, sorted as text
 *   (InnerEye's order). `tags` like `[a;b]` become `['a', 'b']`.
 * - MSD / nnU-Net: ground truth is a label map with the `labels` names; several MSD modalities in one
 *   4-D image become channels with a `volumeIndex`.
 * - With `checkGeometry` (default), every file's header is read and each subject's files must share
 *   the first image's grid.
 *
 * @param file - Path to `dataset.csv` (by its `.csv` extension) or `dataset.json` (`.json`).
 * @param options - `checkGeometry` (default true), `geometryTolerance`, `imageChannels` (default
 *   `['mri']`), `groundTruthChannels`.
 * @throws ManifestError naming the manifest and the line/column or JSON field:
 *   `READ_FAILED`, `BAD_FORMAT` (extension, CSV syntax, missing columns, invalid JSON), `BAD_FIELD`
 *   (zod validation, unreadable NIfTI), `DUPLICATE`, `PATH_ESCAPE`, `MISSING_FILE`, `GEOMETRY`.
 * @example
 * const cohort = loadCohort('data/colin27-aal/dataset.csv');
 * cohort.subjects[0].images[0].channel;     // 'mri'
 * cohort.subjects[0].groundTruth.kind;      // 'masks'
 */
export function loadCohort(file: string, options: LoadCohortOptions = {}): Cohort {
  const opts = OptionsSchema.safeParse(options);
  if (!opts.success) throw zodError(file, opts.error, 'options');
  const manifest = path.resolve(file);
  const root = path.dirname(manifest);
  let text: string;
  try {
    text = readFileSync(manifest, 'utf8');
  } catch (err) {
    throw new ManifestError('READ_FAILED', manifest, 'file', (err as Error).message);
  }
  let loaded;
  if (manifest.endsWith('.csv')) loaded = loadInnerEyeCsv(manifest, root, text, options);
  else if (manifest.endsWith('.json')) loaded = loadDatasetJson(manifest, root, text, options.allowMissingFiles ?? false);
  else throw new ManifestError('BAD_FORMAT', manifest, 'file', 'expected a .csv (InnerEye) or .json (MSD / nnU-Net) manifest');
  if (options.checkGeometry ?? true) {
    const complete = options.allowMissingFiles
      ? { ...loaded.cohort, subjects: loaded.cohort.subjects.filter((s) => subjectFiles(s).every((f) => existsSync(f.file))) }
      : loaded.cohort;
    checkCohortGeometry(complete, loaded.locate, options.geometryTolerance);
  }
  return loaded.cohort;
}
