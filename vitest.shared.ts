import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const workspaceRoot = path.dirname(fileURLToPath(import.meta.url));

/**
 * `@seahorse/<name>[/<subpath>]` → the TypeScript source its package.json `exports` names under
 * the `@seahorse/source` condition, for every workspace project.
 */
function workspaceSourceAliases() {
  const aliases: { find: RegExp; replacement: string }[] = [];
  for (const group of ['packages', 'apps']) {
    const dir = path.join(workspaceRoot, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      const manifest = path.join(dir, name, 'package.json');
      if (!existsSync(manifest)) continue;
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; exports?: Record<string, Record<string, string>> };
      for (const [subpath, conditions] of Object.entries(pkg.exports ?? {})) {
        const source = conditions['@seahorse/source'];
        if (!pkg.name || !source) continue;
        const specifier = subpath === '.' ? pkg.name : `${pkg.name}/${subpath.replace(/^\.\//, '')}`;
        aliases.push({ find: new RegExp(`^${specifier.replace(/[/.]/g, '\\$&')}$`), replacement: path.join(dir, name, source) });
      }
    }
  }
  return aliases;
}

/** Options that differ between projects. */
export interface SeahorseVitestOptions {
  /** Global setup files, relative to the project root (e.g. one that starts a Temporal dev server). */
  globalSetup?: string[];
  /** Per-test timeout in ms. Default 60 000: parity tests shell out to Python. */
  testTimeout?: number;
  /** Test files. Default `src/**\/*.spec.ts`. */
  include?: string[];
  /** Where the JSON report goes, relative to the project root. Default `.test-results/results.json`. */
  resultsFile?: string;
}

/**
 * The one vitest configuration every Seahorse project uses.
 *
 * - `pool: 'forks'`: Temporal's native module crashes under worker threads.
 * - Workspace packages (`@seahorse/<name>`) resolve to their TypeScript sources, as the
 *   `@seahorse/source` export condition does for `tsc`, so tests never need a prior build.
 * - A JSON report goes to `<project>/.test-results/results.json`; `scripts/test-summary.mjs`
 *   adds them up into one closing `N passed, N failed` line.
 */
export function seahorseVitestConfig(configUrl: string, options: SeahorseVitestOptions = {}) {
  const root = path.dirname(fileURLToPath(configUrl));
  return defineConfig({
    resolve: { alias: workspaceSourceAliases() },
    test: {
      root,
      pool: 'forks',
      include: options.include ?? ['src/**/*.spec.ts'],
      testTimeout: options.testTimeout ?? 60_000,
      hookTimeout: 180_000,
      globalSetup: options.globalSetup ?? [],
      reporters: ['default', 'json'],
      outputFile: { json: path.join(root, options.resultsFile ?? path.join('.test-results', 'results.json')) },
    },
  });
}
