/** Stopping a long command cleanly: `simulate` between slices, `fuzz --jobs` between runs. */
import { EXIT } from './common.js';

/** SIGINT and SIGTERM stop the run between slices instead of killing it mid-write. */
export function stopOnSignals(): { signal: AbortSignal; readonly by?: 'SIGINT' | 'SIGTERM'; dispose(): void } {
  const controller = new AbortController();
  let by: 'SIGINT' | 'SIGTERM' | undefined;
  const on = (sig: 'SIGINT' | 'SIGTERM') => (): void => {
    if (by) process.exit(sig === 'SIGINT' ? EXIT.sigint : EXIT.sigterm); // a second signal: leave now
    by = sig;
    controller.abort();
  };
  const onInt = on('SIGINT');
  const onTerm = on('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    signal: controller.signal,
    get by() {
      return by;
    },
    dispose() {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}
