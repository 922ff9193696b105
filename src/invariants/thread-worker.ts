/**
 * The checker thread (thread.ts starts it): reads the trace's canonical bytes from the ring, decodes
 * them and runs the InvariantSuite over the events, then posts the results.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { TraceDecoder } from '../sim/trace-decoder.js';
import { ChunkRingReader, type RingMemory } from './chunk-ring.js';
import { InvariantSuite } from './suite.js';
import type { ThreadReply } from './thread.js';

interface WorkerData {
  memory: RingMemory;
  exitAfterChunks?: number;
}

const { memory, exitAfterChunks } = workerData as WorkerData;
const port = parentPort!;
const reader = new ChunkRingReader(memory, exitAfterChunks);
reader.failOnExit(); // an exit before the end frees an engine waiting on a full ring at once
const suite = new InvariantSuite();
const decoder = new TraceDecoder(suite); // by type: the suite's method for each

function reply(msg: ThreadReply): void {
  port.postMessage(msg);
}

reply({ kind: 'ready' });
try {
  for (;;) {
    const chunk = reader.next();
    if (chunk === 'aborted') break;
    if (chunk === 'end') {
      decoder.finish();
      reply({ kind: 'results', results: suite.results(), events: decoder.count });
      break;
    }
    decoder.push(chunk);
  }
} catch (e) {
  reader.fail();
  reply({ kind: 'failed', message: e instanceof Error ? e.message : String(e) });
}
