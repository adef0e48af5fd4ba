// Every worker of a run must see its run folder at the same path (a filesystem shared by all
// workers: NFS, Lustre, one machine's disk). These checks turn "cannot see it" into an error that
// names the folder and the worker, at worker start and at the start of every activity.
import { accessSync, constants, statSync } from 'node:fs';
import { hostname } from 'node:os';

/** The failure type of an activity attempt on a worker that cannot see the run folder (retried, maybe elsewhere). */
export const RUN_FOLDER_NOT_VISIBLE = 'RunFolderNotVisible';

/** Who is looking: `host <name> pid <n>`. */
export function workerIdentity(): string {
  return `host ${hostname()} pid ${process.pid}`;
}

/** Why `dir` is not a readable and writable folder for this process, or `undefined` when it is. */
export function folderAccessProblem(dir: string): string | undefined {
  try {
    if (!statSync(dir).isDirectory()) return 'not a folder';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist here' : (err as Error).message;
  }
  try {
    accessSync(dir, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch {
    return 'not readable and writable by this process';
  }
  return undefined;
}

/**
 * Throws unless `dir` is a folder this worker can read and write: for `seahorse worker --run-root`,
 * so a worker on a host without the shared filesystem fails at start, not on its first subject.
 */
export function assertRunRootVisible(dir: string): void {
  const problem = folderAccessProblem(dir);
  if (problem) {
    throw new Error(`run root ${dir} ${problem} on this worker (${workerIdentity()}): every worker must mount the run folders at the same path (see docs/deploying.md)`);
  }
}
