// A self-hosted Temporal server on PostgreSQL (scripts/temporal-cluster.sh), for tests and
// benchmarks that need the production kind of deployment rather than the CLI's dev server.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** The Temporal server version the script builds (the server inside the pinned CLI). */
export const TEMPORAL_SERVER_VERSION = '1.29.1';

/** What the script records in `<dir>/cluster.json` once the server is ready. */
const ClusterState = z.object({
  address: z.string().min(1),
  namespace: z.string().min(1),
  serverPid: z.number().int(),
  postgresPid: z.number().int(),
  postgresPort: z.number().int(),
  dir: z.string().min(1),
  version: z.string(),
});
type ClusterState = z.infer<typeof ClusterState>;

/** Options for {@link TemporalCluster.start}. */
export interface TemporalClusterOptions {
  /** Folder of the cluster's database, config and logs. Default `<repo>/.tools/temporal-cluster`. */
  dir?: string;
  /** Namespace registered and awaited. Default `'default'`. */
  namespace?: string;
  /** Longest wait for the frontend, in seconds. Default 180. */
  startTimeoutS?: number;
}

function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'nx.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('temporal-cluster: repository root (nx.json) not found');
    dir = parent;
  }
}

/** The script that builds, starts and stops the cluster. */
export function temporalClusterScript(): string {
  return path.join(repoRoot(), 'scripts', 'temporal-cluster.sh');
}

/**
 * A Temporal server v1.29.1 on PostgreSQL, on loopback, started by `scripts/temporal-cluster.sh`
 * (which builds the binaries and initialises the database the first time: minutes). The server
 * and PostgreSQL run as their own processes; `restartServer` and `restartPostgres` are the faults
 * of the production-server tests.
 *
 * @example
 * const cluster = await TemporalCluster.start({ dir: '/tmp/cluster' });
 * // … connect clients and workers to cluster.address …
 * await cluster.stop();
 */
export class TemporalCluster {
  private constructor(private readonly options: Required<Omit<TemporalClusterOptions, 'dir'>> & { dir: string }, private state: ClusterState) {}

  /** `host:port` of the frontend. */
  get address(): string {
    return this.state.address;
  }

  get namespace(): string {
    return this.state.namespace;
  }

  /** The folder of the database, config and logs (`server.log`, `postgres.log`). */
  get dir(): string {
    return this.state.dir;
  }

  /** Process id of the Temporal server. */
  get serverPid(): number {
    return this.state.serverPid;
  }

  /** Process id of PostgreSQL's postmaster. */
  get postgresPid(): number {
    return this.state.postgresPid;
  }

  /**
   * Starts PostgreSQL and the server (building and initialising what is missing) and resolves
   * once the frontend serves the namespace. Idempotent: an already running cluster is reused.
   * @throws Error with the script's output when it fails.
   */
  static async start(options: TemporalClusterOptions = {}): Promise<TemporalCluster> {
    const full = {
      dir: options.dir ?? path.join(repoRoot(), '.tools', 'temporal-cluster'),
      namespace: options.namespace ?? 'default',
      startTimeoutS: options.startTimeoutS ?? 180,
    };
    const cluster = new TemporalCluster(full, await runScript(full, 'start'));
    return cluster;
  }

  /** Stops the server and PostgreSQL; the data stays, so `start` resumes on it. */
  async stop(): Promise<void> {
    await runScript(this.options, 'stop', false);
  }

  /** Stops both and deletes the cluster's folder. */
  async destroy(): Promise<void> {
    await runScript(this.options, 'destroy', false);
  }

  /** Kills the server with SIGKILL (a crash), starts it again on the same database and ports, waits for the frontend. */
  async restartServer(): Promise<void> {
    this.state = await runScript(this.options, 'restart-server');
  }

  /** Restarts PostgreSQL in immediate mode (no clean shutdown: crash recovery on start). */
  async restartPostgres(): Promise<void> {
    this.state = await runScript(this.options, 'restart-postgres');
  }

  /** Whether PostgreSQL and the frontend answer (`status`). */
  async healthy(): Promise<boolean> {
    try {
      await runScript(this.options, 'status', false);
      return true;
    } catch {
      return false;
    }
  }
}

async function runScript(options: { dir: string; namespace: string; startTimeoutS: number }, command: string, readState?: true): Promise<ClusterState>;
async function runScript(options: { dir: string; namespace: string; startTimeoutS: number }, command: string, readState: false): Promise<undefined>;
async function runScript(options: { dir: string; namespace: string; startTimeoutS: number }, command: string, readState = true): Promise<ClusterState | undefined> {
  const env = {
    ...process.env, SEAHORSE_CLUSTER_DIR: options.dir, SEAHORSE_CLUSTER_NAMESPACE: options.namespace,
    SEAHORSE_CLUSTER_START_TIMEOUT_S: String(options.startTimeoutS),
  };
  await new Promise<void>((resolve, reject) => {
    // Bounded: a first start builds the server (minutes); later ones take seconds.
    execFile('bash', [temporalClusterScript(), command], { env, timeout: 30 * 60_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`temporal-cluster.sh ${command} failed (${err.message.split('\n')[0]}):\n${stdout}${stderr}`));
      else resolve();
    });
  });
  if (!readState) return undefined;
  const file = path.join(options.dir, 'cluster.json');
  const parsed = ClusterState.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}
