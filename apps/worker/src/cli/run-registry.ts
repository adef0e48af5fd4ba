import { homedir } from 'node:os';
import path from 'node:path';
import { readJsonFile, writeJsonAtomic } from '@seahorse/files';
import { RunId } from '@seahorse/workflows';
import { z } from 'zod';
import { CliError } from './cli-error.js';

/**
 * Where `status`, `resume` and `cancel` find a run by its id: `$SEAHORSE_HOME/runs/<id>.json`
 * (default `~/.seahorse`), written by `evaluate`. It records the output folder and the Temporal
 * target; the run's own `run.json` in the output folder holds the full specification.
 */
const RunRecord = z.object({
  runId: RunId,
  out: z.string(),
  address: z.string().optional(),
  namespace: z.string(),
  taskQueue: z.string(),
});
export type RunRecord = z.infer<typeof RunRecord>;

function registryDir(): string {
  return path.join(process.env.SEAHORSE_HOME ?? path.join(homedir(), '.seahorse'), 'runs');
}

export function saveRunRecord(record: RunRecord): void {
  writeJsonAtomic(path.join(registryDir(), `${record.runId}.json`), RunRecord.parse(record));
}

/** @throws CliError naming the registry file when the run is unknown. */
export function loadRunRecord(runId: string): RunRecord {
  const id = RunId.safeParse(runId);
  if (!id.success) throw new CliError(`invalid run id '${runId}': ${id.error.issues[0]?.message}`);
  const file = path.join(registryDir(), `${runId}.json`);
  const r = readJsonFile(file, RunRecord);
  if (r.status === 'missing') throw new CliError(`unknown run '${runId}' (no ${file}); start it with 'seahorse evaluate'`);
  if (r.status === 'invalid') throw new CliError(`${file}: ${r.reason}`);
  return r.value;
}
