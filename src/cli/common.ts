/** What every command shares: exit codes, errors that become messages (never stack traces). */
import { TaskQueueError } from '../model/errors.js';
import { OptionError, parseOptionArgs, type NamedOptions } from '../model/options.js';
import { OutputError } from '../report/output-file.js';

export const EXIT = {
  ok: 0,
  /** A required case failed, an invariant was violated. */
  failed: 1,
  /** Bad usage or bad input. */
  badInput: 2,
  /** No verdict: the target or adapter cannot be reached, or simulate's invariant checker thread failed. */
  unreachable: 3,
  /** The run finished (its verdict printed) but an output file could not be written (a full disk). */
  cannotWrite: 4,
  /** Stopped by SIGINT (128 + 2) or SIGTERM (128 + 15); the trace ends with `end: stopped`. */
  sigint: 130,
  sigterm: 143,
} as const;

/** An error meant for the user: printed as `tasksim: <message>` and turned into an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.badInput,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Runs a command body; known errors become a one-paragraph message and an exit code. */
export async function runCommand(body: () => Promise<number>): Promise<never> {
  let code: number;
  try {
    code = await body();
  } catch (err) {
    code = reportError(err);
  }
  process.exitCode = code;
  // Let stdout drain before leaving; open handles (sockets, servers) must not keep us alive.
  await new Promise((r) => setImmediate(r));
  process.exit(code);
}

export function reportError(err: unknown): number {
  if (err instanceof CliError) {
    process.stderr.write(`tasksim: ${err.message}\n`);
    return err.exitCode;
  }
  if (err instanceof OutputError) {
    // Found while writing (found before the run, it is a CliError with exit 2): the old file is intact.
    process.stderr.write(`tasksim: ${err.message} (the previous file, if any, is left as it was)\n`);
    return EXIT.cannotWrite;
  }
  if (err instanceof TaskQueueError || (err instanceof Error && err.name === 'ConfigError')) {
    process.stderr.write(`tasksim: ${err.message}\n`);
    return EXIT.badInput;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  process.stderr.write(
    `tasksim: internal error: ${e.message}\n${process.env.TASKSIM_DEBUG ? e.stack + '\n' : 'Set TASKSIM_DEBUG=1 for the stack trace, and please report it.\n'}`,
  );
  return EXIT.failed;
}

export function parseIntOption(name: string, value: string, min = 0): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new CliError(`${name} must be an integer ≥ ${min}, got ${JSON.stringify(value)}`);
  return n;
}

/**
 * `--seed` for every command: a whole number from 0 to `max`. Seeds are 32-bit unsigned integers (the
 * generator takes no more, INV-DET); conform's are 31-bit (MAX_SEED in src/conform/seed.ts).
 */
export function parseSeed(value: string, max = 0xffffffff): number {
  const n = Number(value);
  if (!/^[0-9]+$/.test(value.trim()) || !Number.isSafeInteger(n) || n > max) {
    throw new CliError(`--seed must be an integer from 0 to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** Commander's collector for a repeatable `--option name=value` (SPEC §10). */
export function collectOption(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `--option` arguments by name; an unknown name or value is bad input (exit 2) naming the choices. */
export function cliOptions(args: readonly string[] | undefined): NamedOptions {
  try {
    return parseOptionArgs(args);
  } catch (err) {
    if (err instanceof OptionError) throw new CliError(err.message);
    throw err;
  }
}
