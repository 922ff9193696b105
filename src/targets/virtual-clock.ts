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
  if (users === 0 && clock) {
    (clock as Clock & { uninstall(): unknown }).uninstall();
    clock = undefined;
  }
}
