import { describe, it } from 'vitest';
import { TraceBuilder, expectFails, expectPasses } from './trace-builder.js';

const S = 1_000_000;

describe('INV-DEADLINE', () => {
  it('passes a missed deadline reported at the deadline and retried, and a success within it', async () => {
    const b = new TraceBuilder({ deadlineUs: 10 * S });
    b.add(1, 0)
      .attempt(1, 0, 0, { out: 'deadline', lat: 10 * S })
      .retry(1, 10 * S, 10 * S + 100_000);
    b.attempt(1, 11 * S, 200, { lat: 10 * S })
      .success(1, 21 * S)
      .end(21 * S);
    expectPasses(await b.check(), 'INV-DEADLINE');
  });

  it('fails a 2xx that came after the deadline (DEADLINE-2)', async () => {
    const b = new TraceBuilder({ deadlineUs: 10 * S });
    b.add(1, 0)
      .attempt(1, 0, 200, { lat: 10 * S + 1 })
      .success(1, 10 * S + 1)
      .end(11 * S);
    expectFails(await b.check(), 'INV-DEADLINE', 'DEADLINE-2');
  });

  it('fails a deadline outcome before the deadline passed (DEADLINE-1)', async () => {
    const b = new TraceBuilder({ deadlineUs: 10 * S });
    b.add(1, 0)
      .attempt(1, 0, 0, { out: 'deadline', lat: 9 * S })
      .retry(1, 9 * S, 9 * S + 100_000);
    b.attempt(1, 10 * S, 200)
      .success(1, 11 * S)
      .end(11 * S);
    expectFails(await b.check(), 'INV-DEADLINE', 'DEADLINE-1');
  });
});
