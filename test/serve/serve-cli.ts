import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { ROOT, cliArgs } from '../helpers/cli.js';

/**
 * Starts `tasksim serve … --json` as a child process; `ready` resolves with its first stdout line,
 * parsed (where it listens), or rejects if it exits before saying so.
 */
export function spawnServeCli<T>(args: string[]): { child: ChildProcessWithoutNullStreams; ready: Promise<T> } {
  const child = spawn(process.execPath, [...cliArgs(), 'serve', '--json', ...args], {
    cwd: ROOT,
    env: { ...process.env, CI: '1', NO_COLOR: '1' },
  });
  let out = '';
  let err = '';
  const ready = new Promise<T>((resolve, reject) => {
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)));
    });
    child.on('exit', (code) => reject(new Error(`tasksim serve exited ${code} before listening: ${err}`)));
  });
  return { child, ready };
}
