import { InferenceRuntimeError, probeDevice } from '@seahorse/inference';
import { CliError, EXIT } from './cli-error.js';

const told = new Set<string>();

/** Prints a device notice (which device `auto` chose, and why) once per process, on stderr. */
export function printDeviceNotice(line: string): void {
  if (told.has(line)) return;
  told.add(line);
  console.error(`seahorse: ${line}`);
}

/**
 * Checks a device before any work is given to it (`probeDevice`: a test convolution on it), so
 * `--device cuda` on a machine that cannot use its GPU stops at once with one line and exit code 3,
 * rather than failing every subject. `cpu` needs no check.
 * @returns the device the work will run on (`auto` resolved: `cuda:N` or `cpu`).
 * @throws CliError (exit code 3) naming what is missing.
 */
export async function checkDevice(device: string): Promise<string> {
  if (device === 'cpu') return 'cpu';
  try {
    return (await probeDevice(device, printDeviceNotice)).device;
  } catch (err) {
    if (err instanceof InferenceRuntimeError && err.code === 'CUDA_UNAVAILABLE') throw new CliError(err.message, EXIT.device);
    throw err;
  }
}
