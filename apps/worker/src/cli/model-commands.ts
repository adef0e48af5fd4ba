import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeSubjectQcPicture, writeSubjectViewerPage } from '@seahorse/evaluation';
import { writeRtStruct, writeSeg, type RoiDefinition } from '@seahorse/dicom';
import { readScan } from '@seahorse/evaluation';
import { openEnsemble } from '@seahorse/inference';
import { DeviceWord } from '@seahorse/workflows';
import { importInnerEye, INNEREYE_HIPPOCAMPUS_SETTINGS, MSD_REFERENCE_SETTINGS, type ImportOptions } from '@seahorse/innereye-import';
import { loadModelPackage } from '@seahorse/model-package';
import { SingleBar, Presets } from 'cli-progress';
import { z } from 'zod';

export const SegmentOptions = z.object({
  scan: z.string().min(1),
  model: z.string().min(1),
  out: z.string().min(1),
  tiling: z.enum(['innereye', 'gaussian', 'whole']).optional(),
  threads: z.coerce.number().int().min(1).max(64).optional(),
  device: DeviceWord.optional(),
  /** DICOM input with several series: a SeriesInstanceUID (has dots) or a series number. */
  series: z.string().min(1).optional(),
  /** DICOM input: also write seg.dcm (DICOM SEG) beside rtstruct.dcm. */
  dicomSeg: z.boolean().default(false),
});

/**
 * `seahorse segment <scan> --model <pkg> --out <dir>`: one scan, no Temporal. The scan is a NIfTI
 * file or DICOM (a folder, zip or file, see `@seahorse/dicom`); for DICOM, `rtstruct.dcm` (and
 * `seg.dcm` with `--dicom-seg`) referencing the source series are written beside the NIfTI outputs.
 */
export async function segmentCommand(raw: unknown, log: (l: string) => void = console.log): Promise<void> {
  const o = SegmentOptions.parse(raw);
  const pkg = await loadModelPackage(path.resolve(o.model));
  const series = o.series === undefined ? undefined : /^\d+$/.test(o.series) ? Number(o.series) : o.series;
  // The device first: a missing GPU piece is the one line the user sees, whatever the scan.
  const ensemble = await openEnsemble(pkg, {
    ...(o.threads ? { intraOpThreads: o.threads } : {}), ...(o.device ? { device: o.device } : {}),
    onNotice: (line) => console.error(`seahorse: ${line}`),
  });
  if (ensemble.graph.notice) log(ensemble.graph.notice);
  let scan;
  try {
    scan = await readScan(path.resolve(o.scan), { series });
  } catch (err) {
    await ensemble.close();
    throw err;
  }
  const bar = process.stderr.isTTY ? new SingleBar({ format: ' {bar} pass {value}/{total} | {member}', stream: process.stderr }, Presets.shades_classic) : undefined;
  let started = false;
  try {
    const result = await ensemble.segmentScan(scan.dicom ? scan.volume : path.resolve(o.scan), path.resolve(o.out), {
      scanName: o.scan,
      ...(o.tiling ? { tiling: o.tiling } : {}),
      onProgress: (p) => {
        // member and patch are 1-based: pass `patch` of member `member`.
        const total = p.members * p.patches;
        const value = (p.member - 1) * p.patches + p.patch;
        if (bar && !started) {
          bar.start(total, value, { member: p.memberName });
          started = true;
        } else if (bar) bar.update(value, { member: p.memberName });
        else log(`pass ${value}/${total} (${p.memberName})`);
      },
    });
    if (started) bar?.stop();
    log(`segmented ${o.scan} with ${pkg.manifest.name} ${pkg.manifest.version} (${pkg.members.length} members, ${result.tiling} tiling, ${result.patchesPerMember} pass(es) per member, on ${ensemble.device ?? 'cpu'})`);
    // The QC picture and the viewer page (with NiiVue's script beside it): the prediction over the scan (no ground truth here).
    const shown = {
      subject: { id: path.basename(o.scan), images: [path.resolve(o.scan)], groundTruth: null }, scan: scan.volume,
      segmentationFile: result.files.segmentation, structures: pkg.manifest.classes.slice(1),
      title: `${path.basename(o.scan)}: ${pkg.manifest.name} ${pkg.manifest.version}`,
    };
    const qc = await writeSubjectQcPicture(shown);
    const viewer = await writeSubjectViewerPage(shown);
    for (const f of [result.files.segmentation, ...Object.values(result.files.posteriors), result.files.uncertainty, qc, viewer.page]) log(`  ${f}`);
    if (scan.dicom) {
      const { volume, series: info } = scan.dicom;
      const segmentation = { shapeXYZ: volume.shapeXYZ, affine: volume.affine, data: result.segmentationZYX, kind: 'label' as const };
      const rois: RoiDefinition[] = pkg.manifest.classes.slice(1).map((name, i) => ({ label: i + 1, name }));
      const options = { modelName: `${pkg.manifest.name} ${pkg.manifest.version}` };
      const rt = path.join(path.resolve(o.out), 'rtstruct.dcm');
      const summary = writeRtStruct(rt, segmentation, volume, info, rois, options);
      log(`  ${rt} (${Object.entries(summary.contours).map(([n, c]) => `${n}: ${c} contours`).join(', ')})`);
      if (o.dicomSeg) {
        const segFile = path.join(path.resolve(o.out), 'seg.dcm');
        writeSeg(segFile, segmentation, volume, info, rois, options);
        log(`  ${segFile}`);
      }
    }
  } finally {
    await ensemble.close();
  }
}

/**
 * `seahorse import-innereye <source> <out>`: an InnerEye registered model folder (or one `.ckpt`)
 * → a Seahorse model package. `--preset` picks the settings written into model.json
 * (default: InnerEye's Hippocampus settings).
 */
export async function importInnerEyeCommand(source: string, out: string, raw: unknown, log: (l: string) => void = console.log): Promise<void> {
  const o = z.object({
    overwrite: z.boolean().default(false),
    literalGraph: z.boolean().default(false),
    preset: z.enum(['hippocampus', 'msd-reference']).optional(),
  }).parse(raw);
  const settings = o.preset === 'msd-reference' ? MSD_REFERENCE_SETTINGS
    : o.preset === 'hippocampus' ? INNEREYE_HIPPOCAMPUS_SETTINGS
      : trainedSettings(path.resolve(source), log) ?? INNEREYE_HIPPOCAMPUS_SETTINGS;
  const result = await importInnerEye(path.resolve(source), path.resolve(out), {
    settings, overwrite: o.overwrite, ...(o.literalGraph ? { batchNorm: 'node', upsampling: 'convTranspose' } as const : {}), onProgress: (p) => log(p.message),
  });
  log(`model package ${result.folder}: ${result.manifest.name} ${result.manifest.version}, ${result.manifest.members.length} member(s), classes ${result.manifest.classes.join(', ')}`);
}

/**
 * The settings that Seahorse's training tool (`tools/train`) writes beside InnerEye's
 * `model_inference_config.json` as `seahorse_settings.json`, when the source has them.
 */
function trainedSettings(source: string, log: (l: string) => void): ImportOptions['settings'] | undefined {
  for (const file of [path.join(source, 'seahorse_settings.json'), path.join(source, 'final_ensemble_model', 'seahorse_settings.json')]) {
    if (existsSync(file)) {
      log(`using the training tool's settings from ${file}`);
      return JSON.parse(readFileSync(file, 'utf8')) as ImportOptions['settings'];
    }
  }
  return undefined;
}
