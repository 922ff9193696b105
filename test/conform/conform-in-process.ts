/**
 * `tasksim conform …` read and checked in-process: the command line goes through the very commander
 * command the CLI registers (registerConform), stopped before its action, and then through what the
 * action runs (checkTarget, then conform). A usage error or an unreachable target comes back as the
 * CliError the CLI would print as `tasksim: <message>` and exit with. That printing and the exit code
 * (reportError, runCommand) are proven once through the built CLI in a child process
 * (test/conform/cli.test.ts); a table of messages needs no process of its own per row.
 */
import { Command } from 'commander';
import { CliError } from '../../src/cli/common.js';
import { checkTarget, registerConform, type ConformCliOptions } from '../../src/cli/conform.js';
import { conform } from '../../src/cli/conform-run.js';

/** Thrown by the preAction hook: the arguments are read, the action is not run. */
class Parsed extends Error {
  constructor(
    readonly url: string | undefined,
    readonly opts: ConformCliOptions,
  ) {
    super('parsed');
  }
}

/** `args` as commander reads them for `tasksim conform` (args start with 'conform'). */
async function parseConform(args: string[]): Promise<Parsed> {
  const program = new Command('tasksim').exitOverride();
  registerConform(program);
  program.hook('preAction', (_program, command) => {
    throw new Parsed(command.processedArgs[0] as string | undefined, command.opts<ConformCliOptions>());
  });
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (err) {
    if (err instanceof Parsed) return err;
    throw err;
  }
  throw new Error(`commander ran no action for ${JSON.stringify(args)}`);
}

/**
 * The CliError `tasksim conform …` ends with, or a failure saying what it did instead. Bounded: a
 * row whose check is gone reaches the network only to 127.0.0.1, where the preflight's own timeout ends it.
 */
export async function conformError(args: string[]): Promise<CliError> {
  const { url, opts } = await parseConform(args);
  let code: number;
  try {
    checkTarget(url, opts);
    code = await conform(url, opts);
  } catch (err) {
    if (err instanceof CliError) return err;
    throw err;
  }
  throw new Error(`tasksim ${args.join(' ')} ran to exit ${code} instead of stopping with a message`);
}
