/** The CLI from source in a child process, as a user runs it: CI=1 (no progress bars), no colour. */
import { spawn, type ChildProcess } from 'node:child_process';

export const ROOT = new URL('../../', import.meta.url).pathname;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** A bounded child process: past `timeoutMs` it is killed (and `code` is -1). */
export function runBounded(
  command: string,
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): { child: ChildProcess; result: Promise<CliResult> } {
  const started = performance.now();
  const child = spawn(command, args, { cwd: opts.cwd ?? ROOT, env: { ...process.env, ...opts.env, CI: '1', NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  const result = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, ms: performance.now() - started });
    });
  });
  return { child, result };
}

/** The CLI from source, bounded (see runBounded). */
export function tasksim(args: string[], timeoutMs = 120_000): Promise<CliResult> {
  return runBounded(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { timeoutMs }).result;
}
