import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './repo-root.js';

const execFileAsync = promisify(execFile);

/** The Python interpreter of the reference virtualenv made by `scripts/setup-python.sh`. */
export function referencePython(): string {
  const fromEnv = process.env.SEAHORSE_PYTHON;
  if (fromEnv) return fromEnv;
  const py = path.join(repoRoot(), '.venv', 'bin', 'python');
  if (!existsSync(py)) {
    throw new Error(`Python reference environment missing at ${py}: run 'bash scripts/setup-python.sh'`);
  }
  return py;
}

/** Absolute path of a reference script in `tools/reference/`. */
export function referenceScript(name: string): string {
  return path.join(repoRoot(), 'tools', 'reference', name);
}

/**
 * Runs a Python reference script (from `tools/reference/`, or an absolute path) and parses the
 * JSON it prints on stdout. Scripts write large arrays as `.npy` files and print their paths.
 * @throws Error with the script's stderr when it exits non-zero or prints no valid JSON.
 */
export async function runPythonReference<T = unknown>(script: string, args: readonly string[] = []): Promise<T> {
  const file = path.isAbsolute(script) ? script : referenceScript(script);
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync(referencePython(), [file, ...args], {
      maxBuffer: 256 * 1024 * 1024,
      env: { ...process.env, PYTHONHASHSEED: '0' },
    }));
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`Python reference ${path.basename(file)} failed: ${e.stderr?.trim() || e.message}`);
  }
  try {
    return JSON.parse(stdout) as T;
  } catch {
    throw new Error(`Python reference ${path.basename(file)} printed no JSON: ${stdout.slice(0, 500)}`);
  }
}
