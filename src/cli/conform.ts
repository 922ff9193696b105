/**
 * `tasksim conform <url>`: the handler conformance suite (SPEC §1–3, §5) against a real handler.
 * Exit codes (common.ts): 0 every required case passed, 1 one failed, 2 bad usage, 3 unreachable.
 *
 * This module only registers the command: a bad flag or a missing URL is answered from here, and the
 * suite (conform-run.ts, with the case catalog, the HTTP client and the reports) loads only to run.
 */
import { basename, delimiter, dirname } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_CONCURRENCY, DEFAULT_EXPLORE } from '../conform/defaults.js';
import { CliError, collectOption, runCommand } from './common.js';

export interface ConformCliOptions {
  cases?: string;
  seed?: string;
  deadline?: string;
  scaling?: string;
  concurrency?: string;
  profile?: string;
  json?: boolean;
  reportDir?: string;
  reference?: boolean;
  methods?: string;
  target?: string;
  payload?: string;
  contentType?: string;
  explore?: string;
  explorePayloads?: boolean;
  replay?: string;
  option?: string[];
}

export function registerConform(program: Command): void {
  program
    .command('conform')
    .description('check a task handler at <url> against the handler contract (SPEC §1–3, §5), rule by rule')
    .argument('[url]', 'the handler URL, e.g. http://127.0.0.1:8080/tasks/handler (requests go only to its origin)')
    .option('--cases <pattern>', 'case ids, sections, globs or rule IDs, comma-separated: H-2.1, H-3, H-2.*, HANDLER-4')
    .option('--seed <n>', 'the seed (default: random, printed)')
    .option(
      '--deadline <duration>',
      "the real request timeout, e.g. 30s, 200ms (default 30s, or the scaling's deadline with --scaling)",
    )
    .option('--scaling <type>', 'automatic | basic | manual | flexible: the deadline of DEADLINE-1 (default automatic)')
    .option('--concurrency <n>', `parallel deliveries, max_concurrent_requests (default ${DEFAULT_CONCURRENCY})`)
    .option('--profile <name>', 'appengine | cloud-tasks (default appengine)')
    .option(
      '--option <name=value>',
      "a SPEC §10 reading over the profile's defaults (repeatable; see tasksim options)",
      collectOption,
      [],
    )
    .option('--json', 'print exactly one JSON object on stdout')
    .option('--report-dir <dir>', 'write report.json, junit.xml, report.md and index.html there')
    .option('--reference', 'run against the built-in compliant reference handler (no URL needed)')
    .option(
      '--methods <list>',
      'the HTTP methods your app creates tasks with, e.g. POST,GET; cases that need another are skipped (default POST)',
    )
    .option(
      '--target <kind>',
      'appengine (X-AppEngine-* headers, the default) | http (Cloud Tasks HTTP target: X-CloudTasks-* headers, CT-2)',
    )
    .option(
      '--payload <text|@file>',
      'the body cases and exploration send by default (cases about payload forms keep theirs)',
    )
    .option('--content-type <type>', 'the Content-Type of --payload (default application/octet-stream)')
    .option(
      '--explore <n>',
      `generated deliveries per exploring case after the fixed cases (default ${DEFAULT_EXPLORE}; 0 turns exploration off)`,
    )
    .option('--explore-payloads', 'exploration varies payloads and Content-Types too')
    .option('--replay <token>', 'send the one delivery an exploration finding printed, and show the answer')
    .addHelpText(
      'after',
      '\nAfter the fixed cases, conform explores: it generates deliveries the contract allows (task names, ETA forms,\n' +
        'retry counts, queue names) and shrinks any the handler refuses to the smallest one, printed as curl and --replay.\n' +
        '\nExit codes: 0 every required case passed, 1 a required case failed, 2 bad usage, 3 the target is unreachable\n' +
        '(or not an HTTP handler: TLS mismatch, not HTTP, no answer, 404 at the path).',
    )
    .action((url: string | undefined, opts: ConformCliOptions) =>
      runCommand(async () => {
        checkTarget(url, opts);
        return (await import('./conform-run.js')).conform(url, opts);
      }),
    );
}

/** A URL, or --reference: exactly one of them (exit 2 before anything else loads). */
export function checkTarget(url: string | undefined, opts: ConformCliOptions): void {
  if (opts.reference && url !== undefined) throw new CliError('give either a URL or --reference, not both');
  if (!opts.reference && url === undefined)
    throw new CliError('missing the handler URL: tasksim conform <url> (or --reference to try the built-in handler)');
}

/**
 * How the user runs tasksim, for the lines we print: `tasksim` only when that command is on PATH
 * (a global install); through npm (npx, npm run, npm exec) or a local install it is `npx tasksim`.
 */
export function invokedAs(env: NodeJS.ProcessEnv = process.env, argv: string[] = process.argv): string {
  if (env.npm_command || env.npm_lifecycle_event || env.npm_execpath) return 'npx tasksim';
  const script = argv[1] ?? '';
  if (basename(script) === 'tasksim' && (env.PATH ?? '').split(delimiter).includes(dirname(script))) return 'tasksim';
  return 'npx tasksim';
}
