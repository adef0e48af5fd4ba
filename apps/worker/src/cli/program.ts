import { Command, CommanderError, Option } from 'commander';
import { CliError, EXIT, exitCodeOf, formatError } from './cli-error.js';
import { demoCommand } from './demo-command.js';
import { workerCommand } from './worker-command.js';

function temporalOptions(cmd: Command): Command {
  return cmd
    .option('--address <host:port>', 'Temporal frontend; default: start an embedded dev server')
    .option('--namespace <ns>', 'Temporal namespace', 'default')
    .option('--tls', 'connect with TLS')
    .option('--tls-cert <file>', 'client certificate (PEM)')
    .option('--tls-key <file>', 'client key (PEM)')
    .option('--tls-ca <file>', 'server CA certificate (PEM)');
}

/** Builds the `seahorse` command tree. Actions throw; {@link runCli} turns errors into one line. */
export function buildProgram(): Command {
  const program = new Command('seahorse')
    .description('Durable evaluation of 3D segmentation model ensembles on MRI cohorts')
    .showHelpAfterError()
    .exitOverride();
  temporalOptions(program.command('demo'))
    .description('run the demo end to end on an embedded Temporal dev server')
    .option('--out <dir>', 'output folder', 'demo-out')
    .addOption(new Option('--name <name>', 'who the skeleton workflow greets').default('researcher').hideHelp())
    .action(async (opts) => demoCommand(opts));
  temporalOptions(program.command('worker'))
    .description('run a worker process against an existing Temporal cluster (needs --address)')
    .option('--task-queue <name>', 'task queue to serve', 'seahorse')
    .option('--max-activities <n>', 'activities run at once', '2')
    .action(async (opts) => workerCommand(opts));
  return program;
}

/** Runs the CLI and returns the process exit code. */
export async function runCli(argv: string[], errorLine: (line: string) => void = (l) => console.error(l)): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage; // commander already printed the message
    }
    errorLine(`seahorse: error: ${formatError(err)}`);
    return exitCodeOf(err);
  }
}

export { CliError };
