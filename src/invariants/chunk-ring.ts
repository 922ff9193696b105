/**
 * A ring of byte slots in shared memory, from one writer thread to one reader thread: the trace's
 * canonical bytes on their way to the checker thread. The writer waits while every slot is full, so
 * the engine runs at most RING_SLOTS chunks ahead of the checkers (bounded memory); a reader that makes
 * no progress for `stallMs`, or says it failed, turns the wait into an error instead of a hang. A reader
 * thread that exits before the end (process.exit, an uncaught error) says it failed on its way out
 * (failOnExit), so a writer waiting on a full ring sees it at once, not a stall later; and the writer
 * can wait asynchronously (roomFor), letting its thread see the reader's exit and signals meanwhile.
 *
 * Each side wakes the other only when it sleeps and WAKE_BATCH chunks are ready for it (to read, or
 * room to write): a wake-up per chunk cost a context switch per 64 KiB, a tenth of the engine's time
 * on a busy machine.
 */

/**
 * Slots in flight at most: 128 × 64 KiB, about 140,000 events of throughput-1m. The engine makes
 * events in bursts (a million adds at once, then dispatches as the bucket allows): a deep ring lets
 * the checkers catch up on a burst instead of holding the engine back.
 */
export const RING_SLOTS = 128;
export const SLOT_BYTES = 1 << 16;
/** A sleeping side is woken when this many chunks are ready for it (or the writer is done). */
export const WAKE_BATCH = 8;
/** How long one wait lasts before the waiter looks at the ring again (whether woken or not). */
const WAIT_MS = 100;

// Control words (Int32): chunks written, chunks read, the ring's state, whether each side sleeps,
// how many free slots the sleeping writer waits for, then each slot's length.
const WRITTEN = 0;
const READ = 1;
const STATE = 2;
const READER_SLEEPS = 3;
const WRITER_SLEEPS = 4;
const WRITER_WANTS = 5;
const LENGTHS = 6;

const OPEN = 0;
/** The writer is done: what is written is all there is. */
const ENDED = 1;
/** The writer gave up: the reader stops without finishing. */
const ABORTED = 2;
/** The reader failed: the writer stops writing. */
const FAILED = 3;

/** Atomics.waitAsync (Node 16 and later; the project's lib, ES2022, does not declare it). */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(
      a: Int32Array,
      index: number,
      value: number,
      ms: number,
    ): { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };
  }
).waitAsync;

/** The shared memory of one ring, handed to both threads. */
export interface RingMemory {
  control: SharedArrayBuffer;
  data: SharedArrayBuffer;
}

export function createRing(): RingMemory {
  return {
    control: new SharedArrayBuffer((LENGTHS + RING_SLOTS) * 4),
    data: new SharedArrayBuffer(RING_SLOTS * SLOT_BYTES),
  };
}

export class ChunkRingWriter {
  private readonly ctrl: Int32Array;
  private readonly data: Uint8Array;
  private written = 0;
  /** Set when the reader made no progress for stallMs with the ring full; then every write is dropped. */
  stalled: string | undefined;

  constructor(
    memory: RingMemory,
    private readonly stallMs: number,
  ) {
    this.ctrl = new Int32Array(memory.control);
    this.data = new Uint8Array(memory.data);
  }

  /** Copies `bytes` into the ring (in slot-sized pieces), waiting while it is full. */
  write(bytes: Uint8Array): void {
    const ctrl = this.ctrl;
    for (let at = 0; at < bytes.length; at += SLOT_BYTES) {
      const piece = bytes.subarray(at, at + SLOT_BYTES);
      if (!this.waitForRoom()) return;
      const slot = this.written % RING_SLOTS;
      this.data.set(piece, slot * SLOT_BYTES);
      ctrl[LENGTHS + slot] = piece.length;
      this.written++;
      Atomics.store(ctrl, WRITTEN, this.written); // publishes the slot's bytes and length
      if (Atomics.load(ctrl, READER_SLEEPS) === 1 && this.written - Atomics.load(ctrl, READ) >= WAKE_BATCH)
        wake(ctrl, READER_SLEEPS, WRITTEN);
    }
  }

  /** Set when the reader said it failed (it also says why, its own way). */
  readerFailed(): string | undefined {
    return Atomics.load(this.ctrl, STATE) === FAILED ? 'the checker thread failed' : undefined;
  }

  /** No more chunks: the reader finishes what is written. */
  end(): void {
    this.setState(ENDED);
  }

  /** Stops the reader without its finishing (the run is abandoned). */
  abort(): void {
    this.setState(ABORTED);
  }

  private setState(state: number): void {
    Atomics.compareExchange(this.ctrl, STATE, OPEN, state);
    Atomics.notify(this.ctrl, WRITTEN);
  }

  /**
   * Waits, without blocking this thread, until `free` slots are free: between its short waits the
   * thread's event loop runs (a reader's exit, a signal). False when the reader failed or stalled,
   * or when `stop` says to give up (it is asked after each wait).
   */
  async roomFor(free: number, stop: () => boolean): Promise<boolean> {
    const wait = new RoomWait(this.ctrl, Math.min(free, RING_SLOTS), this.stallMs);
    for (;;) {
      const step = wait.check(this.written, this.stalled);
      if (step !== 'wait') return this.settle(step, wait);
      const w = waitAsync(this.ctrl, WRITER_SLEEPS, 1, WAIT_MS);
      wait.after(w.async ? (await w.value) !== 'timed-out' : w.value === 'not-equal');
      if (stop()) return false;
    }
  }

  /** False when the reader failed, or made no progress for stallMs (then `stalled` says so). */
  private waitForRoom(): boolean {
    if (this.written - Atomics.load(this.ctrl, READ) < RING_SLOTS) return this.stalled === undefined;
    // Full: sleep until the reader has freed WAKE_BATCH slots.
    const wait = new RoomWait(this.ctrl, WAKE_BATCH, this.stallMs);
    for (;;) {
      const step = wait.check(this.written, this.stalled);
      if (step !== 'wait') return this.settle(step, wait);
      wait.after(Atomics.wait(this.ctrl, WRITER_SLEEPS, 1, WAIT_MS) !== 'timed-out');
    }
  }

  private settle(step: 'room' | 'failed' | 'stalled', wait: RoomWait): boolean {
    if (step === 'stalled')
      this.stalled ??= `the checker thread read nothing for ${wait.stallMs / 1000} s with the ring full`;
    return step === 'room';
  }
}

/**
 * One wait of the writer for `free` slots, sync or async alike: it says it sleeps (and for how many
 * slots, so the reader wakes it then and not per chunk), and counts the time the reader read nothing.
 */
class RoomWait {
  private idle = 0;
  private readBefore = 0;

  constructor(
    private readonly ctrl: Int32Array,
    private readonly free: number,
    readonly stallMs: number,
  ) {}

  /** `wait`: the flag is set and the caller should sleep on WRITER_SLEEPS (then call after()). */
  check(written: number, stalled: string | undefined): 'room' | 'failed' | 'stalled' | 'wait' {
    const ctrl = this.ctrl;
    if (stalled !== undefined) return 'stalled';
    if (Atomics.load(ctrl, STATE) === FAILED) return 'failed';
    this.readBefore = Atomics.load(ctrl, READ);
    if (written - this.readBefore <= RING_SLOTS - this.free) return 'room';
    if (this.idle >= this.stallMs) return 'stalled';
    // Say so, then look again: the reader either sees the flag or we see what it read (both are seq-cst).
    Atomics.store(ctrl, WRITER_WANTS, this.free);
    Atomics.store(ctrl, WRITER_SLEEPS, 1);
    if (written - Atomics.load(ctrl, READ) <= RING_SLOTS - this.free || Atomics.load(ctrl, STATE) === FAILED) {
      Atomics.store(ctrl, WRITER_SLEEPS, 0); // it came meanwhile: the sleep would return at once anyway
    }
    return 'wait';
  }

  /** After a sleep (`woken`: by the reader, who clears the flag, or the flag was already clear). */
  after(woken: boolean): void {
    Atomics.store(this.ctrl, WRITER_SLEEPS, 0);
    if (woken || Atomics.load(this.ctrl, READ) !== this.readBefore) this.idle = 0;
    else this.idle += WAIT_MS;
  }
}

export class ChunkRingReader {
  private readonly ctrl: Int32Array;
  private readonly data: Uint8Array;
  private read = 0;
  /** The chunk handed out last: the reader's own copy, so the slot is free again at once. */
  private readonly copy = new Uint8Array(SLOT_BYTES);

  /** `exitAfter` (a test hook only, see thread.ts): the thread exits as it is about to read that chunk. */
  constructor(
    memory: RingMemory,
    private readonly exitAfter = Infinity,
  ) {
    this.ctrl = new Int32Array(memory.control);
    this.data = new Uint8Array(memory.data);
  }

  /**
   * Says the reader failed when its thread exits while the ring is still open (process.exit, an
   * uncaught error, anything but a terminate() or an out-of-memory kill, which run no handler): a
   * writer waiting on a full ring is woken at once instead of waiting out its stall.
   */
  failOnExit(): void {
    process.once('exit', () => {
      if (Atomics.compareExchange(this.ctrl, STATE, OPEN, FAILED) === OPEN)
        wake(this.ctrl, WRITER_SLEEPS, WRITER_SLEEPS);
    });
  }

  /**
   * The next chunk (valid until the next call), waiting for it; `end` once the writer ended and every
   * chunk is read, `aborted` when the writer gave up.
   */
  next(): Uint8Array | 'end' | 'aborted' {
    const ctrl = this.ctrl;
    for (;;) {
      const written = Atomics.load(ctrl, WRITTEN);
      if (written !== this.read) {
        if (this.read === this.exitAfter) process.exit(TEST_EXIT_CODE);
        const slot = this.read % RING_SLOTS;
        const n = ctrl[LENGTHS + slot];
        this.copy.set(this.data.subarray(slot * SLOT_BYTES, slot * SLOT_BYTES + n));
        this.read++;
        Atomics.store(ctrl, READ, this.read);
        if (
          Atomics.load(ctrl, WRITER_SLEEPS) === 1 &&
          written - this.read <= RING_SLOTS - Atomics.load(ctrl, WRITER_WANTS)
        )
          wake(ctrl, WRITER_SLEEPS, WRITER_SLEEPS);
        return this.copy.subarray(0, n);
      }
      const state = Atomics.load(ctrl, STATE);
      if (state === ABORTED) return 'aborted';
      // Ended: the last chunk was published before the state, so one more look decides.
      if (state === ENDED) {
        if (Atomics.load(ctrl, WRITTEN) === this.read) return 'end';
        continue;
      }
      // Say so, then sleep unless something came meanwhile: woken by a batch, by the end, or after
      // WAIT_MS to look again (a wait on a WRITTEN that moved returns at once).
      Atomics.store(ctrl, READER_SLEEPS, 1);
      Atomics.wait(ctrl, WRITTEN, written, WAIT_MS);
      Atomics.store(ctrl, READER_SLEEPS, 0);
    }
  }

  /** Tells the writer to stop: this reader cannot go on. */
  fail(): void {
    Atomics.store(this.ctrl, STATE, FAILED);
    wake(this.ctrl, WRITER_SLEEPS, WRITER_SLEEPS);
  }
}

/** Whether the writer is asleep waiting for room (a probe for tests and diagnostics; it changes nothing). */
export function writerSleeps(memory: RingMemory): boolean {
  return Atomics.load(new Int32Array(memory.control), WRITER_SLEEPS) === 1;
}

/** The exit code of a reader made to exit by the test hook (an unusual one, so a test can tell it). */
export const TEST_EXIT_CODE = 86;

/** Clears the sleeper's flag (so a wait that has not begun yet returns at once), then wakes it. */
function wake(ctrl: Int32Array, flag: number, waitsOn: number): void {
  Atomics.store(ctrl, flag, 0);
  Atomics.notify(ctrl, waitsOn);
}
