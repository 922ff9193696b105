/**
 * Every call the Cloud Tasks adapter makes ends by its deadline, even when a garbage collection runs
 * while it waits. The case that made this a test: the REST transport's HTTP client (gaxios 7) times a
 * request with `AbortSignal.any([signal, AbortSignal.timeout(ms)])`, and on Node 20 a collection can
 * take the timeout signal away before it fires (nodejs/node#57736), so a service that never answers
 * hung the adapter instead of becoming a verdict. The adapter now holds its own deadline on every call.
 *
 * The cases run at once in one child `node --expose-gc` that collects every few milliseconds while the
 * calls wait, against a real 127.0.0.1 server (port 0) that accepts and never answers; the child must
 * print each call's outcome and exit by itself (no request left hanging) well within the test's own bound.
 * Below them, the guard's own parts on fake timers.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import FakeTimers from '@sinonjs/fake-timers';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CallDeadlineExceeded,
  callSignal,
  eitherSignal,
  withinDeadline,
} from '../../src/adapters/cloud-tasks-deadline.js';
import { ensureCliBuilt, ROOT, runBounded } from '../helpers/cli.js';

/** The adapter's per-call deadline in the child. */
const DEADLINE_MS = 1_000;
/** The test's own bound on the child: a hang is killed here and reported, never waited out. */
const CHILD_BOUND_MS = 30_000;
/** The adapter's transports, each a call of its own in the child. */
const SCHEMES = ['cloud-tasks+rest', 'cloud-tasks'] as const;

interface Outcome {
  name?: string;
  message?: string;
}

/** One call the child makes: the adapter's first call over a transport, or its clock client's. */
interface Call {
  key: string;
  call: 'describe' | 'clock';
  target: string;
}

const moduleUrl = (rel: string): string => JSON.stringify(pathToFileURL(join(ROOT, 'dist/src/adapters', rel)).href);

/** The statement that starts one call: `[subject, pending]`. */
function startCall(c: Call): string {
  return c.call === 'describe'
    ? `(() => { const s = new CloudTasksQueue(parseCloudTasksAddress(${JSON.stringify(c.target)}), { timeoutMs: ${DEADLINE_MS} }); return [s, s.describe()]; })()`
    : `(() => { const s = new ClockControlClient(${JSON.stringify(c.target)}, ${DEADLINE_MS}); return [s, s.now()]; })()`;
}

/**
 * The child's script: the calls at once, collecting garbage while they wait. Each outcome is printed
 * as one line when its call ends (so a call that hangs is the one whose line is missing), and the
 * child exits by itself only if no call leaves a request behind.
 */
function childScript(calls: Call[]): string {
  return `const { CloudTasksQueue } = await import(${moduleUrl('cloud-tasks.js')});
    const { parseCloudTasksAddress } = await import(${moduleUrl('cloud-tasks-address.js')});
    const { ClockControlClient } = await import(${moduleUrl('cloud-tasks-clock.js')});
    const started = { ${calls.map((c) => `${JSON.stringify(c.key)}: ${startCall(c)}`).join(', ')} };
    const collecting = setInterval(() => globalThis.gc(), 5);
    await Promise.all(Object.entries(started).map(async ([key, [, pending]]) => {
      let outcome;
      try {
        await pending;
        outcome = { ok: true };
      } catch (err) {
        outcome = { name: err.name, message: err.message };
      }
      process.stdout.write(JSON.stringify({ key, outcome }) + '\\n');
    }));
    clearInterval(collecting);
    for (const [subject] of Object.values(started)) await subject.close();`;
}

/** The calls in one child (one load of the client, one stretch of collecting); what each call ended with. */
async function callsInChild(calls: Call[]): Promise<{ outcomes: Map<string, Outcome>; exit: string | undefined }> {
  const { result } = runBounded(
    process.execPath,
    ['--expose-gc', '--input-type=module', '--eval', childScript(calls)],
    { timeoutMs: CHILD_BOUND_MS },
  );
  const r = await result;
  const outcomes = new Map<string, Outcome>();
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    const { key, outcome } = JSON.parse(line) as { key: string; outcome: Outcome };
    outcomes.set(key, outcome);
  }
  const exit =
    r.code === 0
      ? undefined
      : `the child ${r.code === -1 ? `hung: killed after ${CHILD_BOUND_MS} ms` : `exited with ${r.code}`}; stdout: ${r.stdout}; stderr: ${r.stderr}`;
  return { outcomes, exit };
}

describe('a service that accepts and never answers, with garbage collected while the call waits', () => {
  let silent: Server;
  let port: number;
  const sockets = new Set<Socket>();
  let child: Awaited<ReturnType<typeof callsInChild>>;
  /** A call's outcome; fails, saying so, if the child hung or did not exit by itself. */
  const outcomeOf = (key: string): Outcome => {
    if (child.exit !== undefined) throw new Error(child.exit);
    const outcome = child.outcomes.get(key);
    if (!outcome) throw new Error(`no outcome for ${key}`);
    return outcome;
  };
  beforeAll(async () => {
    ensureCliBuilt(); // the child imports the adapter from dist/
    silent = createServer((s) => {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    port = (silent.address() as AddressInfo).port;
    child = await callsInChild([
      ...SCHEMES.map((scheme) => ({
        key: scheme,
        call: 'describe' as const,
        target: `${scheme}://127.0.0.1:${port}?handler=127.0.0.1:0`,
      })),
      { key: 'clock', call: 'clock', target: `http://127.0.0.1:${port}` },
    ]);
  }, 60_000);
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => silent?.close(() => r()));
  });

  for (const scheme of SCHEMES) {
    it(`${scheme}://: the first call ends at its deadline as AdapterUnreachable (exit 3), not a hang`, () => {
      const outcome = outcomeOf(scheme);
      expect(outcome).toMatchObject({ name: 'AdapterUnreachable' });
      expect(outcome.message).toContain(`cannot reach the Cloud Tasks API at 127.0.0.1:${port} (ListQueues)`);
      expect(outcome.message).toContain('DEADLINE_EXCEEDED');
    });
  }

  it('the clock control: its call ends at its deadline with a message that says so', () => {
    expect(outcomeOf('clock')).toEqual({
      name: 'ClockCallFailed',
      message: `GET http://127.0.0.1:${port}/clock did not answer within ${DEADLINE_MS} ms`,
    });
  });
});

describe('withinDeadline (fake timers)', () => {
  let clock: ReturnType<typeof FakeTimers.install>;
  beforeEach(() => {
    clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => clock.uninstall());

  it('a call with no answer is rejected at its deadline, not before, and its signal aborts with the same error', async () => {
    let signal: AbortSignal | undefined;
    let settled: unknown;
    const pending = withinDeadline(1_000, () => {
      signal = callSignal();
      return new Promise<never>(() => {});
    }).catch((err: unknown) => {
      settled = err;
    });
    await clock.tickAsync(999);
    expect(settled).toBeUndefined();
    expect(signal?.aborted).toBe(false);
    await clock.tickAsync(1);
    await pending;
    expect(settled).toBeInstanceOf(CallDeadlineExceeded);
    expect((settled as Error).message).toBe('no answer within 1000 ms');
    expect(signal?.reason).toBe(settled);
  });

  it('a call that answers in time gives its value and leaves no timer behind', async () => {
    await expect(withinDeadline(1_000, async () => 'answered')).resolves.toBe('answered');
    expect(clock.countTimers()).toBe(0);
    expect(callSignal()).toBeUndefined(); // the signal belongs to the call, not to what follows it
  });
});

describe('eitherSignal', () => {
  it('aborts when any of its signals does, with that reason; at once when one already has', () => {
    const a = new AbortController();
    const b = new AbortController();
    const either = eitherSignal(a.signal, undefined, b.signal);
    expect(either.aborted).toBe(false);
    b.abort('b went');
    expect(either.reason).toBe('b went');
    expect(eitherSignal(new AbortController().signal, AbortSignal.abort('already')).reason).toBe('already');
  });
});
