import { createHash, type Hash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import type { TraceEvent } from './events.js';

/** Anything that reads the trace as it streams by. */
export interface TraceSink {
  onEvent(ev: TraceEvent, line: string): void;
  /** Called once after the last event. */
  close?(): void | Promise<void>;
}

/** The canonical form of an event: one JSON line. The trace hash is the SHA-256 of these lines. */
export function serialize(ev: TraceEvent): string {
  return JSON.stringify(ev) + '\n';
}

const FLUSH_CHARS = 1 << 16;

/** SHA-256 over the NDJSON text, fed in 64 KiB slices so hashing costs one call per slice, not per event. */
export class TraceHasher implements TraceSink {
  private readonly hash: Hash = createHash('sha256');
  private pending = '';
  count = 0;

  onEvent(_ev: TraceEvent, line: string): void {
    this.count++;
    this.pending += line;
    if (this.pending.length >= FLUSH_CHARS) {
      this.hash.update(this.pending);
      this.pending = '';
    }
  }

  digest(): string {
    this.hash.update(this.pending);
    this.pending = '';
    return this.hash.digest('hex');
  }
}

/** Writes the trace as NDJSON (`--trace FILE`), batching writes the same way the hasher does. */
export class NdjsonWriter implements TraceSink {
  private readonly out: WriteStream;
  private pending = '';

  constructor(path: string) {
    this.out = createWriteStream(path);
  }

  onEvent(_ev: TraceEvent, line: string): void {
    this.pending += line;
    if (this.pending.length >= FLUSH_CHARS) {
      this.out.write(this.pending);
      this.pending = '';
    }
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.out.end(this.pending, () => resolve());
      this.out.on('error', reject);
    });
  }
}

/** Keeps every event in memory: for tests, the fuzzer and short runs only. */
export class MemoryTrace implements TraceSink {
  readonly events: TraceEvent[] = [];
  onEvent(ev: TraceEvent): void {
    this.events.push(ev);
  }
}

/** Reads an NDJSON trace file back as events (for `tasksim check`, reports and tests). */
export async function* readNdjson(path: string): AsyncGenerator<TraceEvent> {
  const { createReadStream } = await import('node:fs');
  const { createInterface } = await import('node:readline');
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of lines) if (line.trim()) yield JSON.parse(line) as TraceEvent;
}
