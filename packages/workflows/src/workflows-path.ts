import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Absolute path of the workflow entry point that a worker bundles (`workflows/index.js` when
 * built, `workflows/index.ts` when run from source under vitest).
 */
export function workflowsPath(): string {
  const js = fileURLToPath(new URL('./workflows/index.js', import.meta.url));
  if (existsSync(js)) return js;
  const ts = js.replace(/\.js$/, '.ts');
  if (existsSync(ts)) return ts;
  throw new Error(`@seahorse/workflows: workflow entry point not found at ${js}`);
}
