import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Absolute path of the service's workflow entry point, for a worker to bundle (`.js` built, `.ts` from source). */
export function serveWorkflowsPath(): string {
  const js = fileURLToPath(new URL('./workflows/index.js', import.meta.url));
  if (existsSync(js)) return js;
  const ts = js.replace(/\.js$/, '.ts');
  if (existsSync(ts)) return ts;
  throw new Error(`@seahorse/serve: workflow entry point not found at ${js}`);
}
