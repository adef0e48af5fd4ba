import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker, type LogLevel, type WorkflowBundle } from '@temporalio/worker';
import { workflowsPath } from '@seahorse/workflows';

/** Options for {@link createSeahorseWorker}. */
export interface SeahorseWorkerOptions {
  /** `host:port` of the Temporal frontend. */
  address: string;
  /** Default `'default'`. */
  namespace?: string;
  /** Task queue this worker polls. */
  taskQueue: string;
  /** Activities to register (e.g. `createCohortActivities(deps)`). */
  activities: object;
  /** Most activities run at once by this worker. Default 2 (one per core on the reference machine). */
  maxConcurrentActivityTaskExecutions?: number;
  /** The workflow entry point to bundle. Default: Seahorse's production workflows ({@link workflowsPath}). */
  workflowsPath?: string;
}

/**
 * Longest a worker holds back an activity's heartbeats. A worker learns that a run was cancelled
 * only from the server's reply to a heartbeat, so this bounds how long a cancelled network pass
 * keeps running (Temporal's default is up to 60 s; one heartbeat every 2 s per running inference
 * is no load for the server).
 */
export const MAX_HEARTBEAT_THROTTLE_MS = 2_000;

const bundles = new Map<string, Promise<WorkflowBundle>>();

/** Bundles a workflow entry point once per process (webpack takes seconds) and reuses it. */
export function seahorseWorkflowBundle(entry: string = workflowsPath()): Promise<WorkflowBundle> {
  let bundle = bundles.get(entry);
  if (!bundle) {
    bundle = bundleWorkflowCode({ workflowsPath: entry, logger: quietBundlerLogger });
    bundles.set(entry, bundle);
  }
  return bundle;
}

const quietBundlerLogger = {
  log() {}, trace() {}, debug() {}, info() {},
  warn(message: string) { console.warn(message); },
  error(message: string) { console.error(message); },
};

let runtimeInstalled = false;

/**
 * Installs the Temporal runtime once per process with a logger at `level` (default `WARN`, or
 * `$SEAHORSE_TEMPORAL_LOG_LEVEL`), so worker state changes do not flood a researcher's terminal.
 * Must run before the first connection; later calls are no-ops.
 */
export function installTemporalRuntime(level?: LogLevel): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const wanted = (level ?? process.env.SEAHORSE_TEMPORAL_LOG_LEVEL ?? 'WARN') as LogLevel;
  try {
    Runtime.install({ logger: new DefaultLogger(wanted) });
  } catch {
    // Already instantiated by an earlier connection in this process: keep that one.
  }
}

/** A started-but-not-running Temporal worker with its connection; call `worker.run()` or `runUntil`. */
export interface SeahorseWorker {
  worker: Worker;
  connection: NativeConnection;
}

/** Connects to Temporal and creates a worker serving Seahorse's workflows and the given activities. */
export async function createSeahorseWorker(options: SeahorseWorkerOptions): Promise<SeahorseWorker> {
  installTemporalRuntime();
  const connection = await NativeConnection.connect({ address: options.address });
  try {
    const worker = await Worker.create({
      connection,
      namespace: options.namespace ?? 'default',
      taskQueue: options.taskQueue,
      workflowBundle: await seahorseWorkflowBundle(options.workflowsPath),
      activities: options.activities,
      maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions ?? 2,
      maxHeartbeatThrottleInterval: MAX_HEARTBEAT_THROTTLE_MS,
    });
    return { worker, connection };
  } catch (err) {
    await connection.close();
    throw err;
  }
}
