// The runtime's folders import one another one way only: no folder imports from a folder that
// imports it back (directly or around a longer loop). Read from the source files' own imports.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const src = path.dirname(fileURLToPath(import.meta.url));

/** Production source files (no specs, no test helpers), relative to src/. */
function sourceFiles(dir = src): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.ts$/.test(e.name) && !/\.(spec|test-helpers)\.ts$/.test(e.name) ? [path.relative(src, p)] : [];
  });
}

/** The folder a file belongs to: its first path segment; a file directly in src/ stands for itself. */
const folderOf = (rel: string) => (rel.includes(path.sep) ? rel.split(path.sep)[0]! : rel.replace(/\.js$/, '.ts'));

/** Folder → the folders its files import from (relative imports only; a folder's own files excluded). */
function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles()) {
    const from = folderOf(file);
    const text = readFileSync(path.join(src, file), 'utf8');
    for (const m of text.matchAll(/^\s*(?:import|export)\b[^'";]*?from\s+'(\.[^']+)'/gm)) {
      const target = path.relative(src, path.resolve(path.dirname(path.join(src, file)), m[1]!));
      const to = folderOf(target);
      if (to !== from) (graph.get(from) ?? graph.set(from, new Set()).get(from)!).add(to);
    }
  }
  return graph;
}

it('no folder of packages/inference imports a folder that imports it back', () => {
  const graph = folderGraph();
  expect(graph.size).toBeGreaterThan(3);
  const loops: string[] = [];
  const visit = (node: string, trail: string[]) => {
    for (const next of graph.get(node) ?? []) {
      if (next === trail[0]) loops.push([...trail, next].join(' → '));
      else if (!trail.includes(next)) visit(next, [...trail, next]);
    }
  };
  for (const start of graph.keys()) visit(start, [start]);
  expect(loops).toEqual([]);
});
