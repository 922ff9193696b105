/**
 * A ring of byte slots in shared memory, from one writer thread to one reader thread: the trace's
 * canonical bytes on their way to the checker thread. The writer waits while every slot is full, so
 * the engine runs at most RING_SLOTS chunks ahead of the checkers (bounded memory); a reader that makes
 * no progress for `stallMs`, or says it failed, turns the wait into an error instead of a hang.
 */

/** Slots in flight at most: 16 × 64 KiB, about 17,000 events of throughput-1m. */
export const RING_SLOTS = 16;
export const SLOT_BYTES = 1 << 16;
/** How long one wait lasts before the waiter looks at the ring's state again. */
const WAIT_MS = 100;

// Control words (Int32): chunks written, chunks read, the ring's state, then each slot's length.
const WRITTEN = 0;
const READ = 1;
const STATE = 2;
const LENGTHS = 3;

const OPEN = 0;
/** The writer is done: what is written is all there is. */
const ENDED = 1;
/** The writer gave up: the reader stops without finishing. */
const ABORTED = 2;
/** The reader failed: the writer stops writing. */
const FAILED = 3;

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
    for (let at = 0; at < bytes.length; at += SLOT_BYTES) {
      const piece = bytes.subarray(at, at + SLOT_BYTES);
      if (!this.waitForRoom()) return;
      const slot = this.written % RING_SLOTS;
      this.data.set(piece, slot * SLOT_BYTES);
      this.ctrl[LENGTHS + slot] = piece.length;
      this.written++;
      Atomics.store(this.ctrl, WRITTEN, this.written); // publishes the slot's bytes and length
      Atomics.notify(this.ctrl, WRITTEN);
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

  /** False when the reader failed, or made no progress for stallMs (then `stalled` says so). */
  private waitForRoom(): boolean {
    let idle = 0;
    for (;;) {
      if (this.stalled !== undefined || Atomics.load(this.ctrl, STATE) === FAILED) return false;
      const read = Atomics.load(this.ctrl, READ);
      if (this.written - read < RING_SLOTS) return true;
      if (Atomics.wait(this.ctrl, READ, read, WAIT_MS) === 'timed-out') {
        idle += WAIT_MS;
        if (idle >= this.stallMs) {
          this.stalled = `the checker thread read nothing for ${this.stallMs / 1000} s with the ring full`;
          return false;
        }
      } else idle = 0;
    }
  }
}

export class ChunkRingReader {
  private readonly ctrl: Int32Array;
  private readonly data: Uint8Array;
  private read = 0;
  /** The chunk handed out last: the reader's own copy, so the slot is free again at once. */
  private readonly copy = new Uint8Array(SLOT_BYTES);

  constructor(memory: RingMemory) {
    this.ctrl = new Int32Array(memory.control);
    this.data = new Uint8Array(memory.data);
  }

  /**
   * The next chunk (valid until the next call), waiting for it; `end` once the writer ended and every
   * chunk is read, `aborted` when the writer gave up.
   */
  next(): Uint8Array | 'end' | 'aborted' {
    for (;;) {
      const written = Atomics.load(this.ctrl, WRITTEN);
      if (written !== this.read) {
        const slot = this.read % RING_SLOTS;
        const n = this.ctrl[LENGTHS + slot];
        this.copy.set(this.data.subarray(slot * SLOT_BYTES, slot * SLOT_BYTES + n));
        this.read++;
        Atomics.store(this.ctrl, READ, this.read);
        Atomics.notify(this.ctrl, READ);
        return this.copy.subarray(0, n);
      }
      const state = Atomics.load(this.ctrl, STATE);
      if (state === ABORTED) return 'aborted';
      // Ended: the last chunk was published before the state, so one more look decides.
      if (state === ENDED) {
        if (Atomics.load(this.ctrl, WRITTEN) === this.read) return 'end';
        continue;
      }
      Atomics.wait(this.ctrl, WRITTEN, written, WAIT_MS);
    }
  }

  /** Tells the writer to stop: this reader cannot go on. */
  fail(): void {
    Atomics.store(this.ctrl, STATE, FAILED);
    Atomics.notify(this.ctrl, READ);
  }
}
