// A compute for the service's tests of its HTTP contract and orchestration: it checks that the
// unpacked files are there and writes a stand-in RTSTRUCT naming them (the real one, from
// @seahorse/dicom and the model, is tested in apps/worker).
import { readdirSync } from 'node:fs';
import { writeFileAtomic } from '@seahorse/files';
import type { ServeCompute } from '../activities/serve-compute.js';

/** A series the fake reader refuses (its file holds the word REFUSE). */
export class FakeBadSeriesError extends Error {
  override readonly name = 'FakeBadSeriesError';
}

export interface FakeComputeOptions {
  /** How long one segmentation takes, in ms (it heartbeats meanwhile). Default 0. */
  delayMs?: number;
  /** Called at each start (e.g. to count executions). */
  onStart?: (inputDir: string) => void;
}

export function fakeCompute(options: FakeComputeOptions = {}): ServeCompute {
  return {
    async segmentStudy(job) {
      options.onStart?.(job.inputDir);
      const files = readdirSync(job.inputDir).sort();
      const { readFileSync } = await import('node:fs');
      if (files.some((f) => readFileSync(`${job.inputDir}/${f}`, 'latin1').includes('REFUSE'))) {
        throw new FakeBadSeriesError(`series refused: ${job.inputDir}/${files[0]} has two series`);
      }
      const steps = 10;
      for (let i = 0; i < steps; i++) {
        if (job.signal.aborted) throw new Error('cancelled');
        job.onProgress({ step: 'segmenting', done: i, total: steps });
        await new Promise((r) => setTimeout(r, (options.delayMs ?? 0) / steps));
      }
      writeFileAtomic(job.outFile, `FAKE-RTSTRUCT model=${job.modelId} files=${files.join(',')}`);
    },
    isBadInput: (err) => err instanceof FakeBadSeriesError,
  };
}
