#!/usr/bin/env node
// The `seahorse` command. See `seahorse --help` and the README for commands and exit codes.
import { EXIT } from './cli/cli-error.js';
import { runCli } from './cli/program.js';

process.once('SIGINT', () => {
  console.error('\nseahorse: interrupted');
  process.exit(EXIT.interrupted);
});
const code = await runCli(process.argv.slice(2));
process.exit(code);
