import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The Seahorse repository root: the nearest folder above this file that holds `nx.json`.
 * @throws Error when no such folder exists (the package was copied out of the monorepo).
 */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'nx.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`@seahorse/testkit: no nx.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}
