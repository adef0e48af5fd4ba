// The one layout of the service's files. The service keeps no other state: a run is a folder,
// and what the results route answers follows from the files in it (and, while none is final,
// from the run's workflow).
import { randomBytes } from 'node:crypto';
import { closeSync, createWriteStream, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import { writeJsonAtomic } from '@seahorse/files';
import { z } from 'zod';

/** A run id as InnerEye-Inference made them (`api_inference_<unix seconds>_<8 hex>`); others are never found. */
export const RunIdParam = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/);

/** The file names inside a run folder. */
export const RUN_FILES = {
  request: 'request.json',
  upload: 'upload.zip',
  input: 'input',
  names: 'uploaded-names.json',
  rtstruct: 'segmentation.dcm',
  work: 'work',
  result: 'result.zip',
  failure: 'failure.json',
  lastError: 'last-error.json',
} as const;

/** What a start recorded: no patient data, only what the run needs to be restarted. */
export const RunRequest = z.object({
  runId: RunIdParam,
  modelId: z.string().min(1),
  receivedAt: z.string(),
  uploadBytes: z.number().int().nonnegative(),
});
export type RunRequest = z.infer<typeof RunRequest>;

/** How a run ended badly. `InvalidZipFile` → 400, the others → 500 (InnerEye's mapping). */
export const RunFailure = z.object({
  code: z.enum(['InvalidZipFile', 'RunCancelled', 'InternalError']),
  detail: z.string(),
  at: z.string(),
});
export type RunFailure = z.infer<typeof RunFailure>;

/** A run's state as read from its files alone. */
export type StoredRunState =
  | { kind: 'unknown' }
  | { kind: 'pending'; request: RunRequest }
  | { kind: 'succeeded'; request: RunRequest; resultFile: string }
  | { kind: 'failed'; request: RunRequest; failure: RunFailure };

/** A body over the size limit. */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

/** A new run id: InnerEye-Inference's form, with 8 random hex digits. */
export function newRunId(now: Date = new Date()): string {
  return `api_inference_${Math.floor(now.getTime() / 1000)}_${randomBytes(4).toString('hex')}`;
}

function fsyncPath(p: string): void {
  const fd = openSync(p, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The service's folder: `runs/<run id>/…`, and `.temporal/` for an embedded dev server. */
export class RunStore {
  readonly runsDir: string;
  constructor(readonly root: string) {
    this.root = path.resolve(root);
    this.runsDir = path.join(this.root, 'runs');
    mkdirSync(this.runsDir, { recursive: true });
  }

  /** Absolute path of a run's folder (`runId` must pass {@link RunIdParam}). */
  runDir(runId: string): string {
    if (!RunIdParam.safeParse(runId).success) throw new Error(`invalid run id ${JSON.stringify(runId)}`);
    return path.join(this.runsDir, runId);
  }

  /**
   * Streams `body` into the run's `upload.zip` (a temporary name, fsync, rename), refusing more
   * than `maxBytes`; then records the request. Returns the bytes written.
   * @throws BodyTooLargeError past `maxBytes` (nothing is left behind).
   */
  async storeUpload(runId: string, modelId: string, body: Readable, maxBytes: number, now: Date = new Date()): Promise<number> {
    const dir = this.runDir(runId);
    mkdirSync(dir, { recursive: true });
    const tmp = path.join(dir, `.${RUN_FILES.upload}.part`);
    let bytes = 0;
    const limit = new Transform({
      transform(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        done(bytes > maxBytes ? new BodyTooLargeError(`the body is larger than ${maxBytes} bytes`) : null, chunk);
      },
    });
    try {
      await pipeline(body, limit, createWriteStream(tmp));
      fsyncPath(tmp);
      renameSync(tmp, path.join(dir, RUN_FILES.upload));
      writeJsonAtomic(path.join(dir, RUN_FILES.request), { runId, modelId, receivedAt: now.toISOString(), uploadBytes: bytes } satisfies RunRequest);
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    return bytes;
  }

  /** Removes a run that was refused before it started. */
  discard(runId: string): void {
    rmSync(this.runDir(runId), { recursive: true, force: true });
  }

  /** The run's state from its files. */
  read(runId: string): StoredRunState {
    if (!RunIdParam.safeParse(runId).success) return { kind: 'unknown' };
    const dir = path.join(this.runsDir, runId);
    const requestFile = path.join(dir, RUN_FILES.request);
    if (!existsSync(requestFile)) return { kind: 'unknown' };
    const request = RunRequest.parse(JSON.parse(readFileSync(requestFile, 'utf8')));
    const resultFile = path.join(dir, RUN_FILES.result);
    if (existsSync(resultFile)) return { kind: 'succeeded', request, resultFile };
    const failureFile = path.join(dir, RUN_FILES.failure);
    if (existsSync(failureFile)) return { kind: 'failed', request, failure: RunFailure.parse(JSON.parse(readFileSync(failureFile, 'utf8'))) };
    return { kind: 'pending', request };
  }

  /** Every run id with a folder. */
  runIds(): string[] {
    return readdirSync(this.runsDir).filter((n) => RunIdParam.safeParse(n).success);
  }

  /** Runs whose upload is still there: accepted and not yet finished. */
  inFlight(): string[] {
    return this.runIds().filter((id) => existsSync(path.join(this.runsDir, id, RUN_FILES.upload))
      && !existsSync(path.join(this.runsDir, id, RUN_FILES.result)) && !existsSync(path.join(this.runsDir, id, RUN_FILES.failure)));
  }

  /**
   * Deletes finished runs (result or failure written) whose final file is older than `retentionMs`,
   * and folders of starts that never completed their upload. Returns the ids removed.
   */
  sweep(retentionMs: number, now: number = Date.now()): string[] {
    const removed: string[] = [];
    for (const id of this.runIds()) {
      const dir = path.join(this.runsDir, id);
      const final = [RUN_FILES.result, RUN_FILES.failure].map((f) => path.join(dir, f)).find((f) => existsSync(f));
      const stale = final
        ? now - statSync(final).mtimeMs > retentionMs
        : !existsSync(path.join(dir, RUN_FILES.request)) && now - statSync(dir).mtimeMs > Math.max(retentionMs, 3_600_000);
      if (stale) {
        rmSync(dir, { recursive: true, force: true });
        removed.push(id);
      }
    }
    return removed;
  }
}
