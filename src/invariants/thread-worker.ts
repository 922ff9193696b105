/**
 * The checker thread (thread.ts starts it): reads the trace's canonical bytes from the ring, decodes
 * them and runs the unchanged InvariantSuite over the events, then posts the results. Fields the bytes
 * do not carry (UNCARRIED) arrive beside them on a port, by event index, before the chunk that ends
 * their event.
 */
import { type MessagePort, parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import type { TraceEvent } from '../sim/events.js';
import { TraceDecoder } from '../sim/trace-decoder.js';
import { ChunkRingReader, type RingMemory } from './chunk-ring.js';
import { InvariantSuite } from './suite.js';
import type { ThreadReply } from './thread.js';

interface WorkerData {
  memory: RingMemory;
  extras: MessagePort;
}

const { memory, extras } = workerData as WorkerData;
const port = parentPort!;
const reader = new ChunkRingReader(memory);
const suite = new InvariantSuite();
/** dl of an add, ra of a response, by the event's index in the trace. */
const uncarried = new Map<number, number>();
let index = 0;

function restore(ev: TraceEvent): void {
  const value = uncarried.get(index);
  if (value === undefined) return;
  uncarried.delete(index);
  if (ev.e === 'add') ev.dl = value;
  else if (ev.e === 'response') ev.ra = value;
}

const decoder = new TraceDecoder((ev) => {
  if (uncarried.size > 0) restore(ev);
  index++;
  suite.onEvent(ev);
});

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
    for (let m = receiveMessageOnPort(extras); m !== undefined; m = receiveMessageOnPort(extras)) {
      const pairs = m.message as number[];
      for (let i = 0; i < pairs.length; i += 2) uncarried.set(pairs[i], pairs[i + 1]);
    }
    decoder.push(chunk);
  }
} catch (e) {
  reader.fail();
  reply({ kind: 'failed', message: e instanceof Error ? e.message : String(e) });
}
extras.close();
