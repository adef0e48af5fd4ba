import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker, type LogLevel, type WorkflowBundle } from '@temporalio/worker';
import { createSkeletonActivities, workflowsPath } from '@seahorse/workflows';

/** Options for {@link createSeahorseWorker}. */
export interface SeahorseWorkerOptions {
  /** `host:port` of the Temporal frontend. */
  address: string;
  /** Default `'default'`. */
  namespace?: string;
  /** Task queue this worker polls. */
  taskQueue: string;
  /** Activities to register. Default: the walking-skeleton activities. */
  activities?: object;
  /** Most activities run at once by this worker. Default 2 (one per core on the reference machine). */
  maxConcurrentActivityTaskExecutions?: number;
}

let bundle: Promise<WorkflowBundle> | undefined;

/** Bundles Seahorse's workflow code once per process (webpack takes seconds) and reuses it. */
export function seahorseWorkflowBundle(): Promise<WorkflowBundle> {
  bundle ??= bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: quietBundlerLogger });
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
      workflowBundle: await seahorseWorkflowBundle(),
      activities: options.activities ?? createSkeletonActivities(),
      maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions ?? 2,
    });
    return { worker, connection };
  } catch (err) {
    await connection.close();
    throw err;
  }
}
