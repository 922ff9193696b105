/** `tasksim check <trace.ndjson>`: re-check a written trace offline: its hash and every invariant. */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { InvariantSuite } from '../invariants/index.js';
import { TraceHasher, readNdjson } from '../sim/trace.js';
import { CliError, EXIT, runCommand } from './common.js';
import { dim, num, red, statusWord } from './format.js';

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('check a trace written with --trace (NDJSON): its SHA-256 and every INV rule')
    .argument('<trace>', 'an NDJSON trace file')
    .option('--json', 'print one JSON object on stdout')
    .option('--expect-hash <sha256>', 'also fail unless the trace hash is this one (INV-DET)')
    .addHelpText('after', '\nExit codes: 0 every invariant holds, 1 one fails (or the hash differs), 2 bad input.')
    .action((file: string, opts: { json?: boolean; expectHash?: string }) => runCommand(() => check(file, opts)));
}

async function check(file: string, opts: { json?: boolean; expectHash?: string }): Promise<number> {
  if (!existsSync(file)) throw new CliError(`${file}: no such file (write one with \`tasksim simulate <scenario> --trace ${file}\`)`);
  const hasher = new TraceHasher();
  const suite = new InvariantSuite();
  let line = 0;
  try {
    for await (const ev of readNdjson(file)) {
      line++;
      hasher.onEvent(ev);
      suite.onEvent(ev);
    }
  } catch (e) {
    throw new CliError(`${file}:${line + 1}: not a trace line: ${(e as Error).message}`);
  }
  if (line === 0 || hasher.count === 0) throw new CliError(`${file}: empty trace`);
  const traceHash = hasher.digest();
  const results = suite.results();
  const hashOk = opts.expectHash === undefined || opts.expectHash === traceHash;
  const ok = hashOk && results.every((r) => r.status !== 'fail');
  if (opts.json) {
    process.stdout.write(JSON.stringify({ file, events: line, traceHash, hashOk, invariants: results, ok }) + '\n');
  } else {
    const out = [`trace       ${file}  ${num(line)} events  sha256:${traceHash}`];
    if (!hashOk) out.push(red(`hash        expected ${opts.expectHash} (INV-DET)`));
    for (const r of results) out.push(`  ${statusWord(r.status)} ${r.id.padEnd(24)} ${dim(`${num(r.checked)} checked${r.violations ? `, ${num(r.violations)} violations` : ''}${r.note ? ` · ${r.note}` : ''}`)}`);
    for (const r of results) for (const v of r.examples.slice(0, 5)) out.push(red(`  ✗ ${v.inv} (${v.rule}) at t=${v.t}µs: ${v.message}`), `      expected ${v.expected}`, `      actual   ${v.actual}`);
    process.stdout.write(out.join('\n') + '\n');
  }
  return ok ? EXIT.ok : EXIT.failed;
}
