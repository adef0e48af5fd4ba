#!/usr/bin/env node
// Runs benchmarks: `npm run bench -- <name> [<name> …]`, or every one with no name.
// A package's benchmarks are `packages/<name>/bench/*.bench.ts`; `<name>/<file>` runs only
// `packages/<name>/bench/<file>.bench.ts` (e.g. `workflows/production-server`). Each runs Seahorse and its reference
// (Python, in .venv) side by side in the same run and prints their ratio.
// Workspace packages resolve to their TypeScript sources, so no build is needed.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const benchFiles = (name) => {
  const dir = path.join(root, 'packages', name, 'bench');
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort().map((f) => path.join(dir, f)) : [];
};
const available = readdirSync(path.join(root, 'packages')).filter((n) => benchFiles(n).length > 0).sort();
const wanted = process.argv.slice(2);
const one = (n) => {
  const [pkg, file] = n.split('/');
  return benchFiles(pkg).filter((f) => path.basename(f, '.bench.ts') === file);
};
const unknown = wanted.filter((n) => (n.includes('/') ? one(n).length === 0 : !available.includes(n)));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${available.join(', ') || 'none'}`);
  process.exit(2);
}
let failed = false;
for (const file of (wanted.length > 0 ? wanted : available).flatMap((n) => (n.includes('/') ? one(n) : benchFiles(n)))) {
  const name = path.basename(file, '.bench.ts');
  console.log(`\n=== bench: ${name} (${path.relative(root, file)}) ===`);
  const r = spawnSync(process.execPath, ['--conditions=@seahorse/source', '--import', 'tsx', '--expose-gc', file], {
    stdio: 'inherit', cwd: root,
  });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
