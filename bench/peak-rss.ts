/**
 * This process's own peak RSS, in KiB. On Linux, from /proc/self/status's VmHWM: getrusage's maxRSS
 * of a process that node spawned starts at the RSS its parent had when it forked (the kernel carries
 * the pre-exec figure over), so a child of a large benchmark process reported the parent's peak, the
 * same for every size. Elsewhere maxRSS is all there is.
 */
import { readFileSync } from 'node:fs';

export function peakRssKiB(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]);
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS;
}

/** The same, as a preload for a process the bench does not write: printed to stderr as it exits. */
export const PEAK_RSS_PROBE = `data:text/javascript,${encodeURIComponent(
  `import{readFileSync as r}from'node:fs';process.on('exit',()=>{let k;try{k=/^VmHWM:\\s+(\\d+) kB$/m.exec(r('/proc/self/status','utf8'))?.[1]}catch{}process.stderr.write('maxrss-kb '+(k??process.resourceUsage().maxRSS)+'\\n')})`,
)}`;
