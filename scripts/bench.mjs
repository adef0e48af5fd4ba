#!/usr/bin/env node
// Runs benchmarks: `npm run bench -- <name> [<name> …]`, or every one with no name.
// A benchmark is `packages/<name>/bench/<name>.bench.ts`. It runs Seahorse and its reference
// (Python, in .venv) side by side in the same run and prints their ratio.
// Workspace packages resolve to their TypeScript sources, so no build is needed.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const available = readdirSync(path.join(root, 'packages'))
  .filter((n) => existsSync(path.join(root, 'packages', n, 'bench', `${n}.bench.ts`)))
  .sort();
const wanted = process.argv.slice(2);
const unknown = wanted.filter((n) => !available.includes(n));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${available.join(', ') || 'none'}`);
  process.exit(2);
}
let failed = false;
for (const name of wanted.length > 0 ? wanted : available) {
  const file = path.join(root, 'packages', name, 'bench', `${name}.bench.ts`);
  console.log(`\n=== bench: ${name} (${path.relative(root, file)}) ===`);
  const r = spawnSync(process.execPath, ['--conditions=@seahorse/source', '--import', 'tsx', '--expose-gc', file], {
    stdio: 'inherit', cwd: root,
  });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
