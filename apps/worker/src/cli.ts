#!/usr/bin/env node
// The `seahorse` command. See `seahorse --help` and the README for commands and exit codes.
import { EXIT } from './cli/cli-error.js';
import { runCli } from './cli/program.js';

// SIGINT/SIGTERM: Temporal workers drain gracefully (the SDK runtime listens for these signals),
// the embedded dev server is stopped by the command's cleanup, then we exit. A stuck shutdown is
// cut short after 30 s.
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\nseahorse: ${signal} received, stopping…`);
    setTimeout(() => process.exit(EXIT.interrupted), 30_000).unref();
  });
}
const args = process.argv.slice(2);
const code = await runCli(args);
// A worker or a service stopped by a signal has done what was asked: exit 0. Anything else interrupted: 130.
process.exit(interrupted && args[0] !== 'worker' && args[0] !== 'serve' ? EXIT.interrupted : code);
