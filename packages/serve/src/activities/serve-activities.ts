// The service's activities: every file of a run is read and written here, through the run's
// folder; each returns what the next consumes. Error details stay in the run folder
// (`last-error.json`): what reaches Temporal names the step and the kind of failure only, since an
// upload's contents (and a reader's message about them) may identify a patient.
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '@seahorse/files';
import { activityInfo, Context, heartbeat } from '@temporalio/activity';
import { ApplicationFailure, ApplicationFailureCategory, CancelledFailure } from '@temporalio/common';
import yazl from 'yazl';
import { RUN_FILES, type RunFailure } from '../run-store.js';
import { DEFAULT_ZIP_LIMITS, unpackDicomZip, ZipRefusedError, type ZipLimits } from '../zip-archive.js';
import type { ServeCompute, ServeStepProgress } from './serve-compute.js';
import { BAD_UPLOAD, type SegmentedStudy, type ServeRunRef, type UnpackedUpload } from './serve-types.js';

/** The one file in a result zip, as InnerEye names it. */
export const RESULT_ENTRY_NAME = 'segmentation.dcm';

export interface ServeActivityOptions {
  zipLimits?: ZipLimits;
  /** How often a running segmentation re-sends its progress as a heartbeat, in ms. Default 1000. */
  heartbeatEveryMs?: number;
}

function recordError(ref: ServeRunRef, step: string, detail: string): void {
  writeJsonAtomic(path.join(ref.runDir, RUN_FILES.lastError), { step, attempt: activityInfo().attempt, detail, at: new Date().toISOString() });
}

/** Runs `fn`; a failure is recorded in the run folder and re-thrown without its message. */
async function step<T>(ref: ServeRunRef, name: string, isBad: (err: unknown) => boolean, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof CancelledFailure || Context.current().cancellationSignal.aborted) throw err;
    const detail = (err as Error)?.message ?? String(err);
    recordError(ref, name, detail);
    if (isBad(err)) {
      throw ApplicationFailure.create({
        message: `${name}: the upload was refused (detail in the run folder)`, type: BAD_UPLOAD,
        nonRetryable: true, category: ApplicationFailureCategory.BENIGN,
      });
    }
    throw ApplicationFailure.create({ message: `${name}: ${(err as Error)?.name ?? 'Error'} (detail in the run folder)`, type: 'ServeStepFailed' });
  }
}

/** Deletes what the run received (the upload, its unpacked files and their names). */
function deleteUpload(runDir: string): void {
  for (const f of [RUN_FILES.upload, RUN_FILES.input, RUN_FILES.names, RUN_FILES.rtstruct, RUN_FILES.work]) {
    rmSync(path.join(runDir, f), { recursive: true, force: true });
  }
}

/** Builds the service's activities on `compute`. */
export function createServeActivities(compute: ServeCompute, options: ServeActivityOptions = {}) {
  const zipLimits = options.zipLimits ?? DEFAULT_ZIP_LIMITS;
  return {
    /** Unpacks the upload's DICOM files into `input/` as numbered files; their uploaded names go to a file of the run. */
    async unpackUpload(ref: ServeRunRef): Promise<UnpackedUpload> {
      return await step(ref, 'unpackUpload', (e) => e instanceof ZipRefusedError, async () => {
        const upload = path.join(ref.runDir, RUN_FILES.upload);
        const inputDir = path.join(ref.runDir, RUN_FILES.input);
        rmSync(inputDir, { recursive: true, force: true });
        const files = await unpackDicomZip(upload, statSync(upload).size, inputDir, zipLimits);
        writeJsonAtomic(path.join(ref.runDir, RUN_FILES.names), Object.fromEntries(files.map((f) => [f.file, f.uploadedName])));
        return { inputDir, files: files.length };
      });
    },

    /** Reads the series, segments it with the model, writes the RTSTRUCT (heartbeating its progress). */
    async segmentStudy(ref: ServeRunRef & { modelId: string; modelDir: string }, unpacked: UnpackedUpload): Promise<SegmentedStudy> {
      const outFile = path.join(ref.runDir, RUN_FILES.rtstruct);
      let last: ServeStepProgress = { step: 'starting', done: 0, total: 1 };
      heartbeat(last);
      const beat = setInterval(() => heartbeat(last), options.heartbeatEveryMs ?? 1000);
      try {
        await step(ref, 'segmentStudy', (e) => compute.isBadInput(e), () => compute.segmentStudy({
          inputDir: unpacked.inputDir, modelDir: ref.modelDir, modelId: ref.modelId, outFile, workDir: path.join(ref.runDir, RUN_FILES.work),
          signal: Context.current().cancellationSignal, onProgress: (p) => heartbeat((last = p)),
        }));
      } finally {
        clearInterval(beat);
      }
      return { rtstructFile: outFile };
    },

    /** Zips the RTSTRUCT as the one entry `segmentation.dcm` into `result.zip` (atomically), then deletes the upload. */
    async packageResult(ref: ServeRunRef, segmented: SegmentedStudy): Promise<{ resultFile: string }> {
      const resultFile = path.join(ref.runDir, RUN_FILES.result);
      if (!existsSync(resultFile)) {
        const bytes = await step(ref, 'packageResult', () => false, () => zipOne(RESULT_ENTRY_NAME, readFileSync(segmented.rtstructFile)));
        writeFileAtomic(resultFile, bytes);
      }
      deleteUpload(ref.runDir);
      return { resultFile };
    },

    /** Records how a run failed (`failure.json`, with the detail its failing step left), then deletes the upload. */
    async recordFailure(ref: ServeRunRef, code: RunFailure['code']): Promise<void> {
      const lastError = path.join(ref.runDir, RUN_FILES.lastError);
      let detail = code === 'RunCancelled' ? 'The run was cancelled.' : 'The run failed.';
      if (code !== 'RunCancelled' && existsSync(lastError)) {
        detail = (JSON.parse(readFileSync(lastError, 'utf8')) as { detail: string }).detail;
      }
      if (!existsSync(path.join(ref.runDir, RUN_FILES.result))) {
        writeJsonAtomic(path.join(ref.runDir, RUN_FILES.failure), { code, detail: withUploadedNames(ref.runDir, detail), at: new Date().toISOString() } satisfies RunFailure);
      }
      deleteUpload(ref.runDir);
    },
  };
}

export type ServeActivities = ReturnType<typeof createServeActivities>;

/** Replaces the run's numbered file names in a message by the names they had in the upload (for the uploader only). */
function withUploadedNames(runDir: string, detail: string): string {
  const namesFile = path.join(runDir, RUN_FILES.names);
  const names = existsSync(namesFile) ? JSON.parse(readFileSync(namesFile, 'utf8')) as Record<string, string> : {};
  // Numbered files by their uploaded names; then the service's own folders by what they hold.
  return detail.replace(/(?:[^\s'"]*[/\\])?(\d{5}\.dcm)/g, (whole, file: string) => names[file] ?? whole)
    .split(path.join(runDir, RUN_FILES.input)).join('the upload')
    .split(runDir).join('the run');
}

/** A zip of one file. */
async function zipOne(name: string, bytes: Buffer): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(bytes, name, { mtime: new Date('2000-01-01T00:00:00Z'), mode: 0o100644 });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}
