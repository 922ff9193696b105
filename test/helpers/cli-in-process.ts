/**
 * A tasksim command run in this process: registered on a program set up as src/cli/main.ts sets up
 * its own (a commander usage error is exit 2), parsed from `args`, its stdout, stderr and exit code
 * captured. For tables of input a command refuses, where a child process per row costs a Node start
 * each: the rows go through the command's own parsing, checks and messages, and one child-process
 * case beside each table shows the wiring (the exit code of the process, the message on stderr,
 * nothing on stdout, no stack trace).
 *
 * Only for commands that end at once (refused input, --help, a report merge): a campaign started
 * here would run in the test's thread. The command's process.exit is caught (it ends the command,
 * not the thread) and process.exitCode is restored.
 */
import { Command } from 'commander';
import { vi } from 'vitest';

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** What process.exit was called with, thrown to end the command where it called it. */
class Exited extends Error {
  constructor(readonly code: number) {
    super(`process.exit(${code})`);
  }
}

export async function tasksimInProcess(register: (program: Command) => void, args: string[]): Promise<InProcessResult> {
  const program = new Command('tasksim').exitOverride((err) => {
    process.exit(err.exitCode === 0 ? 0 : 2); // as main.ts: commander usage errors are bad input
  });
  register(program);
  let stdout = '';
  let stderr = '';
  const exitCode = process.exitCode;
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      stdout += String(chunk);
      return true;
    }),
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr += String(chunk);
      return true;
    }),
    vi.spyOn(process, 'exit').mockImplementation((code) => {
      throw new Exited(Number(code ?? 0));
    }),
  ];
  try {
    await program.parseAsync(args, { from: 'user' });
    throw new Error(`tasksim ${args.join(' ')} returned without an exit code`);
  } catch (err) {
    if (err instanceof Exited) return { code: err.code, stdout, stderr };
    throw err;
  } finally {
    for (const spy of spies) spy.mockRestore();
    process.exitCode = exitCode;
  }
}
