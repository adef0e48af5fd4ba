import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Connection } from '@temporalio/client';
import { resolveTemporalCli } from './temporal-cli.js';

/** Options for {@link DevServer.start}. Every field is optional. */
export interface DevServerOptions {
  /** Temporal CLI binary. Default: {@link resolveTemporalCli}. */
  temporalCli?: string;
  /** SQLite file for persistent state. Default: none (in-memory; state dies with the process). */
  dbFilename?: string;
  /** Frontend gRPC port. Default: a free port. */
  port?: number;
  /** Web UI port. Default: a free port. */
  uiPort?: number;
  /** Serve the Web UI. Default `false` (`--headless`). */
  ui?: boolean;
  /** Namespace that must be ready before `start` resolves. Default `'default'`. */
  namespace?: string;
  /** `--dynamic-config-value KEY=JSON` pairs, e.g. `{ 'limit.historyCount.suggestContinueAsNew': 200 }`. */
  dynamicConfig?: Record<string, string | number | boolean>;
  /** Search attributes to register, e.g. `{ SeahorseRunId: 'Keyword' }`. */
  searchAttributes?: Record<string, 'Text' | 'Keyword' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList'>;
  /** How long to wait for the server to become healthy, in ms. Default 60 000. */
  startTimeoutMs?: number;
  /** Receives each line the server prints (default: kept only for error messages). */
  onLog?: (line: string) => void;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort: a dev server must never outlive the process that started it.
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

/** A free TCP port on 127.0.0.1, chosen by the kernel. */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A local Temporal dev server (`temporal server start-dev`) run as a child process.
 *
 * @example
 * const server = await DevServer.start({ dbFilename: 'out/temporal.db' });
 * // … connect clients and workers to server.address …
 * await server.stop();
 */
export class DevServer {
  private exited: Promise<void>;
  private readonly logTail: string[] = [];
  /** Set once the CLI prints its `Server:` banner, which it does only after binding its ports. */
  private bannerSeen = false;

  private constructor(
    private readonly child: ChildProcess,
    /** `host:port` of the frontend, for clients and workers. */
    readonly address: string,
    /** Web UI URL, or `undefined` when headless. */
    readonly uiUrl: string | undefined,
    readonly port: number,
    readonly dbFilename: string | undefined,
    readonly namespace: string,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  /** The process id of the server, e.g. to kill it in fault-injection tests. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** True while the server process is alive. */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * Starts `temporal server start-dev --headless --db-filename <file> --port <p> --ui-port <p>`
   * and resolves once the frontend reports SERVING and the namespace can be described.
   * @throws Error with the server's last output when it exits early or is not healthy in time.
   */
  static async start(options: DevServerOptions = {}): Promise<DevServer> {
    const bin = options.temporalCli ?? resolveTemporalCli();
    const namespace = options.namespace ?? 'default';
    const port = options.port ?? (await freePort());
    const uiPort = options.uiPort ?? (await freePort());
    const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--ui-port', String(uiPort),
      '--namespace', namespace, '--log-level', 'warn'];
    if (!options.ui) args.push('--headless');
    if (options.dbFilename) args.push('--db-filename', options.dbFilename);
    for (const [k, v] of Object.entries(options.dynamicConfig ?? {})) {
      args.push('--dynamic-config-value', `${k}=${JSON.stringify(v)}`);
    }
    for (const [k, t] of Object.entries(options.searchAttributes ?? {})) args.push('--search-attribute', `${k}=${t}`);

    installExitHook();
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    child.once('exit', () => live.delete(child));
    const server = new DevServer(child, `127.0.0.1:${port}`, options.ui ? `http://127.0.0.1:${uiPort}` : undefined,
      port, options.dbFilename, namespace);
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        if (/^Server:\s/.test(line.trim())) server.bannerSeen = true;
        server.logTail.push(line);
        if (server.logTail.length > 40) server.logTail.shift();
        options.onLog?.(line);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));

    try {
      await server.waitHealthy(options.startTimeoutMs ?? 60_000, spawnError);
    } catch (err) {
      await server.stop();
      throw err;
    }
    return server;
  }

  private async waitHealthy(timeoutMs: number, spawnError: Promise<Error>): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastError = 'not reachable yet';
    let failed: Error | undefined;
    void spawnError.then((e) => (failed = e));
    while (Date.now() < deadline) {
      if (failed) throw new Error(`Temporal dev server could not start: ${failed.message}`);
      if (!this.running) {
        throw new Error(`Temporal dev server exited with ${this.child.exitCode ?? this.child.signalCode}:\n${this.logTail.join('\n')}`);
      }
      let connection: Connection | undefined;
      if (!this.bannerSeen) {
        // Until our own process has bound the port, a health check could reach another server.
        await sleep(100);
        continue;
      }
      try {
        connection = await Connection.connect({ address: this.address, connectTimeout: 2_000 });
        const health = await connection.healthService.check({});
        if (health.status === 1 /* SERVING */) {
          await connection.workflowService.describeNamespace({ namespace: this.namespace });
          return;
        }
        lastError = `health status ${String(health.status)}`;
      } catch (err) {
        lastError = (err as Error).message;
      } finally {
        await connection?.close().catch(() => undefined);
      }
      await sleep(250);
    }
    throw new Error(`Temporal dev server at ${this.address} not healthy after ${timeoutMs} ms (${lastError}):\n${this.logTail.join('\n')}`);
  }

  /**
   * Stops the server: SIGTERM, then SIGKILL after `graceMs`. Resolves once the process is gone.
   * Safe to call more than once.
   */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.running) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
  }

  /** Kills the server at once with SIGKILL, as a crash would (for fault-injection tests). */
  async kill(): Promise<void> {
    if (this.running) this.child.kill('SIGKILL');
    await this.exited;
  }
}
