/** `tasksim check <trace.ndjson>`: re-check a written trace offline: its hash and every invariant. */
import type { Command } from 'commander';
import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { InvariantSuite } from '../invariants/index.js';
import type { TraceEvent } from '../sim/events.js';
import { TraceHasher } from '../sim/trace.js';
import { TraceSchemaChecker } from '../sim/trace-schema.js';
import { ioReason } from '../report/output-file.js';
import { findingLines, invariantFinding } from '../report/finding.js';
import { CliError, EXIT, runCommand } from './common.js';
import { dim, num, red, statusWord } from './format.js';

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('check a trace written with --trace (NDJSON): its SHA-256 and every INV rule')
    .argument('<trace>', 'an NDJSON trace file')
    .option('--json', 'print one JSON object on stdout')
    .option(
      '--expect-hash <sha256>',
      'also fail unless the trace hash is this one (INV-DET): sha256:<hex> as printed, or the bare hex; 16 or more leading digits suffice',
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 every invariant holds, 1 one fails (or the hash differs), 2 bad input: not a trace\n(the line is named) or an incomplete one (no `end` event: the run was cut short).',
    )
    .action((file: string, opts: { json?: boolean; expectHash?: string }) => runCommand(() => check(file, opts)));
}

async function check(file: string, opts: { json?: boolean; expectHash?: string }): Promise<number> {
  const expected = opts.expectHash === undefined ? undefined : parseExpectedHash(opts.expectHash);
  if (!existsSync(file))
    throw new CliError(`${file}: no such file (write one with \`tasksim simulate <scenario> --trace ${file}\`)`);
  const hasher = new TraceHasher();
  const suite = new InvariantSuite();
  const schema = new TraceSchemaChecker();
  let line = 0;
  let events = 0;
  try {
    for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
      line++;
      if (!text.trim()) continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (e) {
        throw new CliError(`${file}:${line}: not a trace line: ${(e as Error).message}`);
      }
      const bad = schema.line(value);
      if (bad) throw new CliError(`${file}:${line}: ${bad}`);
      events++;
      hasher.onEvent(value as TraceEvent);
      suite.onEvent(value as TraceEvent);
    }
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`cannot read ${file}: ${ioReason(e)}`);
  }
  const incomplete = schema.finish();
  if (incomplete) throw new CliError(`${file}: ${incomplete}; it cannot be judged`);
  const traceHash = hasher.digest();
  const results = suite.results();
  const hashOk = expected === undefined || traceHash.startsWith(expected);
  const ok = hashOk && results.every((r) => r.status !== 'fail');
  if (opts.json) {
    process.stdout.write(JSON.stringify({ file, events, traceHash, hashOk, invariants: results, ok }) + '\n');
  } else {
    const out = [`trace       ${file}  ${num(events)} events  sha256:${traceHash}`];
    if (!hashOk) out.push(red(`hash        expected ${opts.expectHash} (INV-DET)`));
    for (const r of results)
      out.push(
        `  ${statusWord(r.status)} ${r.id.padEnd(24)} ${dim(`${num(r.checked)} checked${r.violations ? `, ${num(r.violations)} violations` : ''}${r.note ? ` · ${r.note}` : ''}`)}`,
      );
    for (const r of results)
      for (const v of r.examples.slice(0, 5)) out.push(...findingLines(invariantFinding(v), red));
    process.stdout.write(out.join('\n') + '\n');
  }
  return ok ? EXIT.ok : EXIT.failed;
}

/**
 * The hash as tasksim prints it: `sha256:<64 hex>` (check), the bare hex (--json), or the summary's
 * shortened `sha256:<16 hex>…`. At least 16 digits (64 bits) are needed to mean one trace.
 */
export function parseExpectedHash(text: string): string {
  const hex = text
    .trim()
    .toLowerCase()
    .replace(/^sha256:/, '')
    .replace(/(…|\.\.\.)$/, '');
  if (!/^[0-9a-f]{16,64}$/.test(hex)) {
    throw new CliError(
      `--expect-hash must be a SHA-256 as tasksim prints it (sha256:<64 hex digits>, or at least its first 16 digits), got ${JSON.stringify(text)}`,
    );
  }
  return hex;
}
