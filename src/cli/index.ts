import { Command, CommanderError } from 'commander';
import { isMissiveError } from '../core/errors.ts';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, isUsageError } from './exit-codes.ts';

type Register = (program: Command) => void;

/** A top-level command's names and the loader of the module that registers it. */
export interface CommandModule {
  readonly names: readonly string[];
  readonly load: () => Promise<Register>;
}

/**
 * Every top-level command (in help order) and the module that registers it. A command's module is
 * imported only when that command runs, so `missive --version` loads none of them and `missive
 * customers show` never loads pdfkit, fonts, MJML, fastify or BullMQ (issue 18: start-up time).
 */
const COMMANDS: readonly CommandModule[] = [
  { names: ['demo'], load: async () => (await import('./commands/demo.ts')).registerDemoCommand },
  {
    names: ['customers'],
    load: async () => (await import('./commands/customers.ts')).registerCustomersCommands,
  },
  {
    names: ['feeds', 'datasources'],
    load: async () => (await import('./commands/feeds.ts')).registerFeedsCommands,
  },
  {
    names: ['templates'],
    load: async () => (await import('./commands/templates.ts')).registerTemplatesCommands,
  },
  { names: ['preview'], load: async () => (await import('./commands/preview.ts')).registerPreviewCommand },
  { names: ['run'], load: async () => (await import('./commands/run.ts')).registerRunCommand },
  { names: ['runs'], load: async () => (await import('./commands/runs.ts')).registerRunsCommands },
  {
    names: ['documents'],
    load: async () => (await import('./commands/documents.ts')).registerDocumentsCommands,
  },
  { names: ['archive'], load: async () => (await import('./commands/archive.ts')).registerArchiveCommands },
  { names: ['verify'], load: async () => (await import('./commands/verify.ts')).registerVerifyCommand },
  { names: ['worker'], load: async () => (await import('./commands/worker.ts')).registerWorkerCommand },
  { names: ['offers'], load: async () => (await import('./commands/offers.ts')).registerOffersCommands },
  { names: ['decide'], load: async () => (await import('./commands/decide.ts')).registerDecideCommand },
  { names: ['serve'], load: async () => (await import('./commands/serve.ts')).registerServeCommand },
  { names: ['users'], load: async () => (await import('./commands/users.ts')).registerUsersCommands },
  {
    names: ['print-streams'],
    load: async () => (await import('./commands/print-streams.ts')).registerPrintStreamsCommand,
  },
  { names: ['sinks'], load: async () => (await import('./commands/sinks.ts')).registerSinksCommand },
  {
    names: ['feedback'],
    load: async () => (await import('./commands/feedback.ts')).registerFeedbackCommands,
  },
  { names: ['model'], load: async () => (await import('./commands/model.ts')).registerModelCommands },
  { names: ['simulate'], load: async () => (await import('./commands/simulate.ts')).registerSimulateCommand },
  { names: ['report'], load: async () => (await import('./commands/report.ts')).registerReportCommands },
];

/**
 * The commands `argv` (process.argv: node, script, args…) needs: the one it names; none for a bare
 * `--version`; every one for help, no command or an unknown name (so help lists them all and
 * commander can suggest the nearest).
 */
export function commandsFor(argv: readonly string[]): readonly CommandModule[] {
  const args = argv.slice(2);
  const at = args.findIndex((a) => !a.startsWith('-'));
  if (at === -1) return args.some((a) => a === '-V' || a === '--version') ? [] : COMMANDS;
  if (at > 0) return COMMANDS; // `missive --help run`: the program's own options come first
  const named = COMMANDS.filter((c) => c.names.includes(args[at]!));
  return named.length > 0 ? named : COMMANDS;
}

export async function buildProgram(argv: readonly string[] = process.argv): Promise<Command> {
  const program = new Command('missive')
    .description('Missive: the right personalised document, on the right channel, exactly once.')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride()
    .addHelpText(
      'after',
      '\nExit codes: 0 done; 3 done, but some rows were refused or customers failed (customers import, feeds load,\nrun: see their --help and --max-reject-rate / --max-failure-rate); 1 failed; 2 bad usage.',
    );
  const registers = await Promise.all(commandsFor(argv).map((c) => c.load()));
  for (const register of registers) register(program);
  return program;
}

/** Runs the CLI and returns the exit code: 0 ok, 1 failed, 2 bad usage, 3 some rows or customers failed (exit-codes.ts). */
export async function main(argv: string[]): Promise<number> {
  try {
    await (await buildProgram(argv)).parseAsync(argv);
    // A command that finished but found problems (e.g. lint errors) sets process.exitCode.
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    if (isMissiveError(err)) {
      process.stderr.write(`missive: ${err.describe()}\n`);
      // A bad option value or an unknown name is bad usage, like an unknown option (commander's own errors).
      return isUsageError(err) ? EXIT_USAGE : EXIT_FAILURE;
    }
    process.stderr.write(`missive: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}
