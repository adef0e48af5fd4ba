import { isBadInput } from '@seahorse/evaluation';
import { InferenceRuntimeError } from '@seahorse/inference';
import { ArchitectureMismatchError, CheckpointReadError, ModelImportError } from '@seahorse/innereye-import';
import { RunFolderError } from '@seahorse/workflows';
import { z } from 'zod';
/**
 * Exit codes of the `seahorse` CLI (documented in the README):
 * - 0: success
 * - 1: the job ran but failed (for evaluations: the run did not complete)
 * - 2: invalid usage or input (bad options, manifest, model package, path)
 * - 3: the environment cannot do it: Temporal unreachable, the embedded dev server could not start,
 *   or the requested GPU cannot be used (`--device cuda`: no driver or device, no provider, a missing library)
 * - 4: unexpected internal error (a bug: please report it with `SEAHORSE_DEBUG=1` output)
 * - 130: interrupted (Ctrl-C)
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, temporal: 3, device: 3, internal: 4, interrupted: 130 } as const;

/** An error the CLI reports as one line, with its exit code. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT.usage) {
    super(message);
    this.name = 'CliError';
  }
}

/** One line for any error: the message only, never a stack trace (unless SEAHORSE_DEBUG=1). */
export function formatError(err: unknown): string {
  if (process.env.SEAHORSE_DEBUG === '1' && err instanceof Error && err.stack) return err.stack;
  // An invalid option: its name and what was wrong, not zod's JSON.
  if (err instanceof z.ZodError) return err.issues.map((i) => `${i.path.length > 0 ? `--${i.path.map(String).join('.').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}` : 'input'}: ${i.message}`).join('; ');
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n').map((l) => l.trim()).filter(Boolean).join(' | ');
}

/** The exit code for an error: its own for a CliError; bad input (an invalid option, manifest, package, scan…) is usage; else internal. */
export function exitCodeOf(err: unknown): number {
  if (err instanceof CliError) return err.exitCode;
  if (err instanceof InferenceRuntimeError && err.code === 'CUDA_UNAVAILABLE') return EXIT.device;
  if (err instanceof RunFolderError || isBadInput(err)) return EXIT.usage;
  if (err instanceof ModelImportError || err instanceof CheckpointReadError || err instanceof ArchitectureMismatchError) return EXIT.usage;
  return EXIT.internal;
}
