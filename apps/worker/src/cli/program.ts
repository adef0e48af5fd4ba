import { Command, CommanderError, Option } from 'commander';
import { DEFAULT_TASK_QUEUE, inferenceTaskQueueOf, RUN_DEFAULTS } from '@seahorse/workflows';
import { CliError, EXIT, exitCodeOf, formatError } from './cli-error.js';
import { DEMO_DEFAULTS, demoCommand } from './demo-command.js';
import { WORKER_DEFAULTS, workerCommand } from './worker-command.js';
import { evaluateCommand } from './evaluate-command.js';
import { cancelCommand, reportCommand, resumeCommand, statusCommand } from './run-commands.js';
import { importInnerEyeCommand, segmentCommand } from './model-commands.js';
import { compareCommand } from './compare-command.js';
import { createComputeDeps } from '../compute-deps.js';
import { installTemporalRuntime } from '../seahorse-worker.js';
import { DEFAULT_NAMESPACE } from './temporal-target.js';
import type { LogLevel } from '@temporalio/worker';
import { TILING_MODES } from './tiling-modes.js';
import { printDeviceNotice } from './device-check.js';
import { SERVE_DEFAULTS, SERVE_LIMIT_DEFAULTS, serveCommand } from './serve-command.js';
import { createServeCompute } from '../serve-compute.js';

// Commander states no defaults: each is stated once, in the zod schema or constant that applies
// it, and only printed here.
const byDefault = (value: unknown) => ` (default: ${String(value)})`;
const deviceOption = (fallback: string) => new Option('--device <device>', `cpu | auto[:N] (the GPU when it works, else the CPU) | cuda[:N] (the GPU, or exit code 3)${fallback}`);
const tilingOption = () => new Option('--tiling <mode>', "tiling mode (default: the model package's)").choices([...TILING_MODES]);

function temporalOptions(cmd: Command): Command {
  return cmd
    .option('--address <host:port>', 'Temporal frontend; default: start an embedded dev server')
    .option('--namespace <ns>', `Temporal namespace${byDefault(DEFAULT_NAMESPACE)}`)
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
    .description('run Seahorse end to end: phantom cohort, demo ensemble, durable evaluation, reports')
    .option('--out <dir>', `output folder${byDefault(DEMO_DEFAULTS.out)}`)
    .option('--subjects <n>', `phantom subjects${byDefault(DEMO_DEFAULTS.subjects)}`)
    .option('--seed <n>', `phantom seed${byDefault(DEMO_DEFAULTS.seed)}`)
    .option('--concurrency <n>', `subjects evaluated at once${byDefault(DEMO_DEFAULTS.concurrency)}`)
    .addOption(new Option('--model <dir>', 'another model package').hideHelp())
    .action(async (opts) => {
      await demoCommand(opts, () => createComputeDeps({ threads: 1 }));
    });
  temporalOptions(program.command('evaluate'))
    .description('evaluate a model package on a cohort, durably (resumable, survives crashes)')
    .requiredOption('--dataset <file>', "InnerEye dataset.csv or MSD dataset.json")
    .requiredOption('--model <dir>', 'model package folder (model.json + ONNX members)')
    .requiredOption('--out <dir>', 'output folder: subjects/<id>/, reports, report.html')
    .option('--run-id <id>', 'run id (default: the output folder name); evaluate it again to finish what is missing')
    .option('--concurrency <n>', `subjects evaluated at once${byDefault(RUN_DEFAULTS.concurrency)}`)
    .addOption(tilingOption())
    .option('--threads <n>', "onnxruntime threads per session (default: the model package's)")
    .addOption(deviceOption(byDefault(RUN_DEFAULTS.device)))
    .option('--task-queue <name>', `task queue of the workers${byDefault(DEFAULT_TASK_QUEUE)}`)
    .option('--inference-task-queue <name>', `task queue of the inference activity${byDefault(inferenceTaskQueueOf('<task-queue>'))}`)
    .option('--local-worker', 'with --address: also run a worker in this process')
    .option('--force', 'recompute every subject, even a completed run')
    .action(async (opts) => {
      await evaluateCommand(opts, () => createComputeDeps({ threads: opts.threads ? Number(opts.threads) : undefined, onNotice: printDeviceNotice }));
    });
  program.command('status <run-id>')
    .description("a run's state and counts")
    .action(async (runId: string) => statusCommand(runId));
  program.command('resume <run-id>')
    .description('finish only what is missing or failed in a run')
    .action(async (runId: string) => {
      await resumeCommand(runId, () => createComputeDeps());
    });
  program.command('cancel <run-id>')
    .description('cancel a running run; finished subjects keep their results')
    .action(async (runId: string) => cancelCommand(runId, () => createComputeDeps()));
  program.command('report <out>')
    .description('rebuild every report of a run folder from its per-subject results (no Temporal)')
    .action(async (out: string) => reportCommand(out, () => createComputeDeps()));
  program.command('compare <run-a> <run-b>')
    .description('compare two runs over the same cohort: paired differences, 95% CI, Wilcoxon signed-rank p (compare.csv, compare.html)')
    .option('--out <dir>', 'output folder (default: <run-b>/compare)')
    .action(async (a: string, b: string, opts: { out?: string }) => compareCommand(a, b, opts));
  program.command('segment <scan>')
    .description('segment one scan (NIfTI, or a DICOM folder, zip or file) with a model package (no Temporal); DICOM also gets rtstruct.dcm')
    .requiredOption('--model <dir>', 'model package folder')
    .requiredOption('--out <dir>', 'output folder')
    .addOption(tilingOption())
    .option('--threads <n>', "onnxruntime threads per session (default: the model package's)")
    .addOption(deviceOption(byDefault(RUN_DEFAULTS.device)))
    .option('--series <uid|number>', 'DICOM with several series: the SeriesInstanceUID or series number to segment')
    .option('--dicom-seg', 'DICOM input: also write seg.dcm (DICOM SEG)')
    .action(async (scan: string, opts) => segmentCommand({ ...opts, scan }));
  program.command('import-innereye <source> <out>')
    .description('turn an InnerEye registered model folder (final_ensemble_model/) or a .ckpt into a Seahorse model package')
    .option('--preset <name>', "settings for model.json: hippocampus (InnerEye's) | msd-reference; default: the training tool's seahorse_settings.json when present, else hippocampus")
    .option('--overwrite', 'replace an existing package at <out>')
    .option('--literal-graph', "write InnerEye's layers literally (BatchNormalization nodes, ConvTranspose) instead of the faster default graph (BatchNorm folded, ConvTranspose as eight stride-1 convolutions)")
    .action(async (folder: string, out: string, opts) => importInnerEyeCommand(folder, out, opts));
  temporalOptions(program.command('worker'))
    .description('run a worker process against an existing Temporal cluster (needs --address)')
    .option('--task-queue <names>', `task queue(s) to serve, comma-separated${byDefault(WORKER_DEFAULTS.taskQueues.join(','))}`)
    .option('--max-activities <n>', `activities run at once${byDefault(WORKER_DEFAULTS.maxActivities)}`)
    .option('--threads <n>', "onnxruntime threads per session when a run does not set them (default: the model package's)")
    .addOption(deviceOption('; on this worker: cuda:N serves runs that ask for a GPU on GPU N (default: the run decides)'))
    .option('--run-root <dir>', 'the shared folder the run folders live under: the worker refuses to start unless it can read and write it')
    .action(async (opts) => workerCommand(opts));
  temporalOptions(program.command('serve'))
    .description('an InnerEye-Inference-compatible HTTP service: POST a zip of DICOM, poll for an RTSTRUCT (secret from API_AUTH_SECRET or API_AUTH_SECRET_FILE)')
    .requiredOption('--models <registry>', 'a model package folder, a folder of them, or a JSON file {"models": {"Name:Version": "folder"}}')
    .option('--port <n>', `HTTP port${byDefault(SERVE_DEFAULTS.port)}`)
    .option('--host <ip>', `address to listen on${byDefault(SERVE_DEFAULTS.host)}`)
    .option('--data <dir>', `the service's folder: runs, results, the embedded server's database${byDefault(SERVE_DEFAULTS.data)}`)
    .option('--task-queue <name>', `task queue of the service's workflow${byDefault(SERVE_DEFAULTS.taskQueue)}`)
    .option('--no-worker', 'run no worker in this process (with --address: workers elsewhere serve the task queue)')
    .option('--max-in-flight <n>', `runs accepted and not finished; past it a start gets 503 with Retry-After${byDefault(SERVE_LIMIT_DEFAULTS.maxInFlight)}`)
    .option('--max-body-mb <n>', `largest request body in MiB${byDefault(SERVE_LIMIT_DEFAULTS.maxBodyBytes / 1024 ** 2)}`)
    .option('--retention-hours <h>', `hours results and failures are kept${byDefault(SERVE_LIMIT_DEFAULTS.retentionMs / 3_600_000)}`)
    .option('--retry-after <s>', `Retry-After of a 503, in seconds${byDefault(SERVE_LIMIT_DEFAULTS.retryAfterSeconds)}`)
    .option('--secret-file <file>', 'a file holding the secret (instead of API_AUTH_SECRET)')
    .option('--threads <n>', "onnxruntime threads per session (default: the model package's)")
    .action(async (opts) => {
      const { threads, ...rest } = opts as { threads?: string } & Record<string, unknown>;
      await serveCommand(rest, () => createServeCompute(threads ? { threads: Number(threads) } : {}));
    });
  return program;
}

/** Runs the CLI and returns the process exit code. */
export async function runCli(argv: string[], errorLine: (line: string) => void = (l) => console.error(l)): Promise<number> {
  // A researcher's terminal shows progress and results; Temporal's own logs only when they are errors.
  installTemporalRuntime((process.env.SEAHORSE_TEMPORAL_LOG_LEVEL as LogLevel | undefined) ?? 'ERROR');
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
