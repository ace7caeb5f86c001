import { Command, CommanderError } from 'commander';
import { isMissiveError } from '../core/errors.ts';
import { registerArchiveCommands } from './commands/archive.ts';
import { registerCustomersCommands } from './commands/customers.ts';
import { registerDecideCommand } from './commands/decide.ts';
import { registerDemoCommand } from './commands/demo.ts';
import { registerDocumentsCommands } from './commands/documents.ts';
import { registerFeedbackCommands } from './commands/feedback.ts';
import { registerFeedsCommands } from './commands/feeds.ts';
import { registerModelCommands } from './commands/model.ts';
import { registerOffersCommands } from './commands/offers.ts';
import { registerPreviewCommand } from './commands/preview.ts';
import { registerPrintStreamsCommand } from './commands/print-streams.ts';
import { registerReportCommands } from './commands/report.ts';
import { registerRunCommand } from './commands/run.ts';
import { registerRunsCommands } from './commands/runs.ts';
import { registerServeCommand } from './commands/serve.ts';
import { registerSimulateCommand } from './commands/simulate.ts';
import { registerSinksCommand } from './commands/sinks.ts';
import { registerTemplatesCommands } from './commands/templates.ts';
import { registerUsersCommands } from './commands/users.ts';
import { registerVerifyCommand } from './commands/verify.ts';
import { registerWorkerCommand } from './commands/worker.ts';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './exit-codes.ts';

export function buildProgram(): Command {
  const program = new Command('missive')
    .description('Missive: the right personalised document, on the right channel, exactly once.')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride()
    .addHelpText(
      'after',
      '\nExit codes: 0 done; 3 done, but some rows were refused or customers failed (customers import, feeds load,\nrun: see their --help and --max-reject-rate / --max-failure-rate); 1 failed; 2 bad usage.',
    );
  registerDemoCommand(program);
  registerCustomersCommands(program);
  registerFeedsCommands(program);
  registerTemplatesCommands(program);
  registerPreviewCommand(program);
  registerRunCommand(program);
  registerRunsCommands(program);
  registerDocumentsCommands(program);
  registerArchiveCommands(program);
  registerVerifyCommand(program);
  registerWorkerCommand(program);
  registerOffersCommands(program);
  registerDecideCommand(program);
  registerServeCommand(program);
  registerUsersCommands(program);
  registerPrintStreamsCommand(program);
  registerSinksCommand(program);
  registerFeedbackCommands(program);
  registerModelCommands(program);
  registerSimulateCommand(program);
  registerReportCommands(program);
  return program;
}

/** Runs the CLI and returns the exit code: 0 ok, 1 failed, 2 bad usage, 3 some rows or customers failed (exit-codes.ts). */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    // A command that finished but found problems (e.g. lint errors) sets process.exitCode.
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    if (isMissiveError(err)) {
      process.stderr.write(`missive: ${err.describe()}\n`);
      // A bad option value is bad usage, like an unknown option (commander's own errors).
      const badOption = err.code === 'MSV_CONFIG_INVALID' && String(err.details.field ?? '').startsWith('--');
      return badOption ? EXIT_USAGE : EXIT_FAILURE;
    }
    process.stderr.write(`missive: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}
