import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Temporal CLI version Seahorse pins (the last tag that `go install` can build). */
export const TEMPORAL_CLI_VERSION = '1.5.1';

/** Environment variable that overrides where the Temporal CLI binary is. */
export const TEMPORAL_CLI_ENV = 'SEAHORSE_TEMPORAL_CLI';

/**
 * Path of the Temporal CLI binary: `$SEAHORSE_TEMPORAL_CLI`, else `<repo>/.tools/temporal`
 * (installed by `scripts/install-temporal.sh`).
 * @throws Error with the install command when the binary is missing.
 */
export function resolveTemporalCli(): string {
  const fromEnv = process.env[TEMPORAL_CLI_ENV];
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`${TEMPORAL_CLI_ENV}=${fromEnv}: no such file`);
    return fromEnv;
  }
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'nx.json'))) {
      const bin = path.join(dir, '.tools', 'temporal');
      if (!existsSync(bin)) {
        throw new Error(`Temporal CLI not found at ${bin}: run 'bash scripts/install-temporal.sh' (or set ${TEMPORAL_CLI_ENV})`);
      }
      return bin;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`Temporal CLI not found: set ${TEMPORAL_CLI_ENV} to the 'temporal' binary`);
    dir = parent;
  }
}
