// The synthetic compute lives with the workflows package (its tests and benchmarks use it too);
// here its reports also write the real volumes table (@seahorse/metrics), so durability tests
// compare real report bytes.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { volumesCsv } from '@seahorse/metrics';
import type { CohortDeps } from '@seahorse/workflows';
import { syntheticDeps as workflowsSyntheticDeps, type SyntheticDepsOptions } from '@seahorse/workflows/testing';

export { writeSyntheticCohort, SyntheticImageError, type SyntheticSubject, type SyntheticDepsOptions } from '@seahorse/workflows/testing';

/** The workflows package's synthetic compute, with `volumes.csv` written by `@seahorse/metrics`. */
export function syntheticDeps(options: SyntheticDepsOptions = {}): CohortDeps {
  const deps = workflowsSyntheticDeps(options);
  return {
    ...deps,
    async writeReports(input) {
      const written = await deps.writeReports(input);
      writeFileSync(path.join(input.outDir, 'volumes.csv'), volumesCsv(input.results.flatMap((r) => r.volumes.map((v) => ({ ...v, subject: r.subjectId })))));
      return written;
    },
  };
}
