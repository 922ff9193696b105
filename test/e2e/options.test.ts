/** SPEC §10 options by name through the built CLI: `tasksim options`, and `--option` on simulate, conform and fuzz. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { CliError, EXIT, cliOptions } from '../../src/cli/common.js';
import { ensureCliBuilt, runCliAsync } from '../helpers/engine.js';

const CHOICES =
  'backoff-linear-step, handler-503, retry-limit, age-from, deadline-execution, execution-count-5xx, retry-eta-header';
let dir: string;
let file: string;

beforeAll(async () => {
  ensureCliBuilt();
  dir = await mkdtemp(join(tmpdir(), 'tasksim-options-'));
  // task_retry_limit 1 and a handler that always fails: 2 attempts a task as retries, 1 as attempts (RETRY-1).
  file = join(dir, 'limit.yaml');
  await writeFile(
    file,
    stringify({
      seed: 4,
      queues: [{ name: 'q', rate: '100/s', retry_parameters: { task_retry_limit: 1 } }],
      service: { statuses: { 500: 1 } },
      workload: [{ queue: 'q', count: 5 }],
    }),
  );
}, 180_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('tasksim options', () => {
  it('lists every option with its values, its default per profile and its rule (exit 0)', async () => {
    const r = await runCliAsync(['options']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('retry-limit  (RETRY-1)');
    expect(r.stdout).toContain('values    retries | attempts');
    expect(r.stdout).toContain('default   appengine: retries, cloud-tasks: attempts');
    expect(r.stdout).toContain('retry-eta-header  (HDR-5)');
    const json = JSON.parse((await runCliAsync(['options', '--json'])).stdout) as {
      options: { name: string; defaults: Record<string, string> }[];
    };
    expect(json.options.map((o) => o.name).join(', ')).toBe(CHOICES);
    expect(json.options.find((o) => o.name === 'execution-count-5xx')!.defaults).toEqual({
      appengine: 'counted',
      'cloud-tasks': 'left-out',
    });
  });

  it('an unknown option name is bad input: exit 2, naming the choices', async () => {
    const r = await runCliAsync(['options', 'retry-limits']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`unknown option "retry-limits"; the options are ${CHOICES}`);
  });
});

describe('--option name=value', () => {
  it('simulate: selects the reading for the run, and the replay line carries it', async () => {
    const plain = JSON.parse((await runCliAsync(['simulate', file, '--json', '--no-det-check'])).stdout);
    const r = await runCliAsync([
      'simulate',
      file,
      '--json',
      '--option',
      'retry-limit=attempts',
      '--option',
      'age-from=creation',
    ]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect([plain.attempts, out.attempts]).toEqual([10, 5]);
    expect(out.replay).toBe(
      `tasksim simulate ${file} --seed 4 --option retry-limit=attempts --option age-from=creation`,
    );
  });

  it('simulate: an unknown name or value is exit 2 naming the choices, nothing run', async () => {
    const name = await runCliAsync(['simulate', file, '--option', 'retry-limits=attempts']);
    expect(name.code).toBe(2);
    expect(name.stderr).toContain(
      `--option retry-limits=attempts: unknown option "retry-limits"; the options are ${CHOICES}`,
    );
    expect(name.stdout).toBe('');
    // A bad value and a bad shape: the same refusal, through cliOptions (what simulate reads --option
    // with) in this process.
    const refusal = (args: string[]): CliError => {
      try {
        cliOptions(args);
      } catch (e) {
        expect(e).toBeInstanceOf(CliError);
        expect((e as CliError).exitCode).toBe(EXIT.badInput);
        return e as CliError;
      }
      throw new Error(`--option ${args.join(' ')} was taken`);
    };
    expect(refusal(['retry-limit=tries']).message).toContain(
      'option retry-limit must be retries or attempts, got "tries" (RETRY-1)',
    );
    expect(refusal(['retry-limit']).message).toContain('--option takes name=value');
  });

  it('conform and fuzz: an unknown option is exit 2 before anything is sent', async () => {
    const conform = await runCliAsync(['conform', '--reference', '--option', 'eta-header=original']);
    expect(conform.code).toBe(2);
    expect(conform.stderr).toContain(`unknown option "eta-header"; the options are ${CHOICES}`);
    const fuzz = await runCliAsync(['fuzz', '--adapter', 'reference', '--option', 'handler-503=sometimes']);
    expect(fuzz.code).toBe(2);
    expect(fuzz.stderr).toContain('option handler-503 must be counted or not-counted, got "sometimes" (HANDLER-3)');
  });

  it('conform: a valid option runs the cases under it and every required case still passes the reference handler', async () => {
    const r = await runCliAsync([
      'conform',
      '--reference',
      '--cases',
      'H-3',
      '--seed',
      '9',
      '--option',
      'retry-eta-header=original',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.summary.fail).toBe(0);
    expect(out.cases[0].replay).toContain('--option retry-eta-header=original');
  });

  it('fuzz: a valid option is applied to every run of the reference, which agrees with the model', async () => {
    const r = await runCliAsync([
      'fuzz',
      '--adapter',
      'reference',
      '--runs',
      '3',
      '--seed',
      '2',
      '--option',
      'execution-count-5xx=left-out',
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).ok).toBe(true);
  });
});
