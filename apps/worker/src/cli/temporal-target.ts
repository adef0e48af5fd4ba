import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DevServer } from '@seahorse/workflows';
import { z } from 'zod';
import { CliError, EXIT } from './cli-error.js';
import { installTemporalRuntime } from '../seahorse-worker.js';

/** The Temporal namespace used unless `--namespace` says otherwise. */
export const DEFAULT_NAMESPACE = 'default';

/** Where to run: an existing Temporal cluster, or (no address) an embedded dev server. */
export const TemporalTargetOptions = z.object({
  address: z.string().regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port').optional(),
  namespace: z.string().min(1).default(DEFAULT_NAMESPACE),
  tls: z.boolean().default(false),
  tlsCert: z.string().optional(),
  tlsKey: z.string().optional(),
  tlsCa: z.string().optional(),
});
export type TemporalTargetOptions = z.infer<typeof TemporalTargetOptions>;

/** A connected Temporal target; `close()` also stops an embedded server. */
export interface TemporalTarget {
  address: string;
  namespace: string;
  client: Client;
  /** Set when Seahorse started its own dev server. */
  embedded?: DevServer;
  close(): Promise<void>;
}

/**
 * Connects to `options.address`, or starts the embedded dev server with its SQLite database
 * under `<stateDir>/temporal.db` (so a later command on the same folder finds the same runs).
 */
export async function openTemporalTarget(options: TemporalTargetOptions, stateDir: string): Promise<TemporalTarget> {
  installTemporalRuntime();
  let embedded: DevServer | undefined;
  let address = options.address;
  if (!address) {
    mkdirSync(stateDir, { recursive: true });
    try {
      embedded = await DevServer.start({ dbFilename: path.join(stateDir, 'temporal.db'), ui: true, namespace: options.namespace });
    } catch (err) {
      throw new CliError(`could not start the embedded Temporal dev server: ${(err as Error).message}`, EXIT.temporal);
    }
    address = embedded.address;
  }
  const { readFileSync } = await import('node:fs');
  const tls = options.tls || options.tlsCert
    ? {
        clientCertPair: options.tlsCert && options.tlsKey
          ? { crt: readFileSync(options.tlsCert), key: readFileSync(options.tlsKey) } : undefined,
        serverRootCACertificate: options.tlsCa ? readFileSync(options.tlsCa) : undefined,
      }
    : undefined;
  let connection: Connection;
  try {
    connection = await Connection.connect({ address, tls, connectTimeout: 10_000 });
  } catch (err) {
    await embedded?.stop();
    throw new CliError(`cannot reach Temporal at ${address}: ${(err as Error).message}`, EXIT.temporal);
  }
  const client = new Client({ connection, namespace: options.namespace });
  return {
    address, namespace: options.namespace, client, embedded,
    async close() {
      await connection.close().catch(() => undefined);
      await embedded?.stop();
    },
  };
}
