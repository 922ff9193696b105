/** The queue configuration types, defined beside the trace schema that carries them (src/sim/queue-config.ts). */
export type * from '../sim/queue-config.js';
