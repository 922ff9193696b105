/**
 * One shared fake clock for every FunctionTarget alive (fake-timers refuses a second install on the
 * same global). Only the timers and Date are faked: microtasks, setImmediate and I/O stay real, so
 * promises, our driver and undici keep working while a handler's setTimeout follows virtual time.
 */
import { withGlobal, type Clock } from '@sinonjs/fake-timers';
import { DEFAULT_EPOCH_US, US_PER_MS } from '../sim/time.js';

let clock: Clock | undefined;
let users = 0;

/** Installs the clock (at the simulator's epoch, INV-DET) or joins the one installed. */
export function acquireClock(): Clock {
  if (!clock) {
    clock = withGlobal(globalThis).install({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
      now: DEFAULT_EPOCH_US / US_PER_MS,
      loopLimit: 100_000,
    });
  }
  users++;
  return clock;
}

/** Uninstalls when the last user leaves; timers a handler left behind are dropped with it. */
export function releaseClock(): void {
  if (users === 0) return;
  users--;
  if (users === 0) uninstall();
}

/**
 * Uninstalls the clock whoever still holds it; returns how many holds were left. Test files that
 * share a worker (no per-file module isolation) call this after each file, so a file that leaves a
 * FunctionTarget open fails itself instead of faking the timers of the files after it.
 */
export function dropClock(): number {
  const left = users;
  users = 0;
  uninstall();
  return left;
}

function uninstall(): void {
  (clock as (Clock & { uninstall(): unknown }) | undefined)?.uninstall();
  clock = undefined;
}
