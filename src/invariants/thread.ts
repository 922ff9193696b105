/**
 * Every invariant, judged in a thread of its own (thread-worker.ts) from the trace's canonical bytes:
 * the engine encodes each event once (TraceHasher), and the same chunks feed the hash and, through a
 * shared-memory ring (chunk-ring.ts), the checkers, which run beside the engine instead of inside it.
 * The results are the in-process InvariantSuite's (the same suite runs over the decoded events).
 *
 * A checker thread that fails, dies or stalls makes the run's invariants unjudgeable: results() then
 * throws InvariantThreadError, never a pass.
 */
import { Worker } from 'node:worker_threads';
import type { TraceHasher } from '../sim/trace.js';
import { ChunkRingWriter, RING_SLOTS, createRing } from './chunk-ring.js';
import type { InvariantResult } from './types.js';

/** What the checker thread says. */
export type ThreadReply =
  | { kind: 'ready' }
  | { kind: 'results'; results: InvariantResult[]; events: number }
  | { kind: 'failed'; message: string };

/** The run's invariants could not be judged: the checker thread failed. */
export class InvariantThreadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvariantThreadError';
  }
}

export interface InvariantThreadOptions {
  /** How long the engine waits on a checker thread that reads nothing before that is an error. */
  stallMs?: number;
  /** Another worker script (for tests: one that throws, dies or never reads). */
  entry?: URL;
  /**
   * A test hook only: the checker thread exits (code TEST_EXIT_CODE) as it is about to read this
   * chunk, as a crash would. Unset, TEST_EXIT_ENV sets it (for tests of the CLI in a child process).
   * It can only make a run fail to be judged, never change a verdict.
   */
  exitAfterChunks?: number;
}

/** The environment variable of the exitAfterChunks test hook (a number of chunks). */
export const TEST_EXIT_ENV = 'TASKSIM_TEST_CHECKER_EXIT_AFTER';

/**
 * Free slots the engine waits for between slices (half the ring): it waits there asynchronously,
 * seeing a checker's exit and a signal, so that the slice that follows rarely has to wait inside.
 */
const SLICE_ROOM = RING_SLOTS / 2;

/** A checker thread reads a 64 KiB chunk in a millisecond or so: a minute without one is a dead thread. */
export const STALL_MS = 60_000;

const FROM_SOURCE = import.meta.url.endsWith('.ts');

export class InvariantThread {
  private readonly worker: Worker;
  private readonly ring: ChunkRingWriter;
  private hasher: TraceHasher | undefined;
  private reply: InvariantResult[] | undefined;
  private failed: string | undefined;
  private closed = false;
  private readonly ready: Promise<void>;
  private readonly done: Promise<void>;

  /** Starts the checker thread and waits until it can read (a thread that cannot start is an error). */
  static async start(opts: InvariantThreadOptions = {}): Promise<InvariantThread> {
    const thread = InvariantThread.begin(opts);
    try {
      await thread.started();
    } catch (e) {
      await thread.dispose();
      throw e;
    }
    return thread;
  }

  /**
   * Starts the checker thread without waiting for it: its start-up (a new isolate loading the
   * checkers) overlaps the caller's own set-up. The caller waits with started() before the first
   * event, and disposes of the thread whatever happens.
   */
  static begin(opts: InvariantThreadOptions = {}): InvariantThread {
    return new InvariantThread(opts);
  }

  /** Waits until the thread can read; throws when it could not start. */
  async started(): Promise<void> {
    await this.ready;
    if (this.failed !== undefined)
      throw new InvariantThreadError(`the invariant checker thread did not start: ${this.failed}`);
  }

  private constructor(opts: InvariantThreadOptions) {
    const memory = createRing();
    this.ring = new ChunkRingWriter(memory, opts.stallMs ?? STALL_MS);
    const fromEnv = Number(process.env[TEST_EXIT_ENV]);
    const exitAfterChunks = opts.exitAfterChunks ?? (Number.isInteger(fromEnv) && fromEnv >= 0 ? fromEnv : undefined);
    this.worker = startWorker(opts.entry ?? new URL(`./thread-worker.${FROM_SOURCE ? 'ts' : 'js'}`, import.meta.url), {
      memory,
      ...(exitAfterChunks !== undefined ? { exitAfterChunks } : {}),
    });
    let ready!: () => void;
    let done!: () => void;
    this.ready = new Promise((r) => (ready = r));
    this.done = new Promise((r) => (done = r));
    const fail = (why: string): void => {
      this.failed ??= why;
      ready();
      done();
    };
    this.worker.on('message', (m: ThreadReply) => {
      if (m.kind === 'ready') ready();
      else if (m.kind === 'failed') fail(m.message);
      else {
        this.reply = m.results;
        done();
      }
    });
    this.worker.on('error', (e) => fail(`it crashed: ${e.message}`));
    this.worker.on('exit', (code) => {
      if (this.reply === undefined) fail(`it exited (code ${code}) before giving its results`);
    });
  }

  /** Reads the hasher's chunks: one encoding serves the hash and the checkers. */
  attach(hasher: TraceHasher): void {
    this.hasher = hasher;
    hasher.shareChunks((bytes) => this.write(bytes));
  }

  /** Why the invariants cannot be judged, as soon as it is known; undefined while all is well. */
  get failure(): string | undefined {
    return this.failed ?? this.ring.readerFailed(); // the thread's own words on why follow in a message
  }

  /** Canonical trace bytes, in order (any cut): copied into the ring, waiting while it is full. */
  write(bytes: Uint8Array): void {
    if (this.failure !== undefined) return; // nothing more can be judged: the run ends at its next slice
    this.ring.write(bytes);
    if (this.ring.stalled !== undefined) this.failed ??= this.ring.stalled;
  }

  /**
   * Waits, letting the event loop run, until the ring has room for a slice, the thread failed or
   * `stop` says so (a signal): the engine's waits between slices see a checker that died at once.
   * Waits inside a slice are synchronous: a reader gone without a word is seen there after stallMs.
   */
  async room(stop: () => boolean): Promise<void> {
    if (this.failure !== undefined) return;
    await this.ring.roomFor(SLICE_ROOM, () => this.failure !== undefined || stop());
    if (this.ring.stalled !== undefined) this.failed ??= this.ring.stalled;
  }

  /** After the last event: hands over the last bytes and waits for the results. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Room for the last chunk first, waiting where the thread's exit is heard (see room()).
    if (this.failure === undefined) await this.ring.roomFor(1, () => this.failure !== undefined);
    this.hasher?.drain();
    if (this.failure === undefined) this.ring.end();
    // Stalled or gone, its results can no longer come; one that failed says why and exits by itself.
    else if (this.ring.readerFailed() === undefined) await this.worker.terminate();
    await this.done;
  }

  /** One result per invariant, as InvariantSuite.results() gives them; throws when they could not be judged. */
  results(): InvariantResult[] {
    const failure = this.failure;
    if (failure !== undefined) throw new InvariantThreadError(`the invariants could not be judged: ${failure}`);
    if (this.reply === undefined)
      throw new InvariantThreadError('the invariants were asked for before the trace ended');
    return this.reply;
  }

  /** Stops the thread (whatever it was doing): nothing of it outlives the run. */
  async dispose(): Promise<void> {
    this.ring.abort();
    await this.worker.terminate();
  }
}

/** The built JavaScript next to this module, or — from the TypeScript sources — the source through tsx. */
function startWorker(entry: URL, workerData: { memory: unknown }): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { workerData });
  const href = JSON.stringify(entry.href);
  return new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${href}); });`, {
    eval: true,
    workerData,
  });
}
