/**
 * What the build-against-build benches share: a module of another checkout's build, and a thread's
 * CPU time. They load two builds in one process or in fresh ones, never through this checkout's src.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** The URL of module `m` (`sim/trace`, `scenario/run` …) in the build of the checkout at `root`. */
export function moduleOfBuild(root: string, m: string): string {
  return pathToFileURL(`${root}/dist/src/${m}.js`).href;
}

/**
 * Thread `tid`'s user + system CPU in ms (clock ticks of 10 ms), from /proc/self/task/<tid>/stat;
 * undefined off Linux or once the thread is gone.
 */
export function threadCpuMs(tid: number | string): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10; // utime, stime (fields 14 and 15)
  } catch {
    return undefined;
  }
}
