/**
 * One campaign, many defects: a failing run is put in a bucket by the rule it broke first, and the
 * shape of what was seen (its signature) is noted, so a defect that fails a hundred runs is
 * reported once, with its own shortest counterexample and the symptoms it showed, and two defects
 * that break different rules are reported apart. Rules the user marks as known deviations (`--known`) are reported as known, not failing.
 */
import { readFile } from 'node:fs/promises';
import { resolveRuleId } from '../rules/index.js';
import { PROTOCOL_FAULT, type CitedRule } from '../report/finding.js';
import type { FuzzViolation } from './violation.js';

/**
 * The signature of a failure: its rule, which check saw it, and the message up to ": expected"
 * with the instance details taken out (the task, quoted values, numbers, instants), so the same
 * defect seen on another task or at another time lands in the same bucket.
 */
export function signatureOf(v: FuzzViolation): string {
  let what = v.message;
  const cut = what.indexOf(': expected ');
  if (cut >= 0) what = what.slice(0, cut);
  if (v.task) what = what.split(v.task).join('TASK');
  what = what
    .replace(/"(?:[^"\\]|\\.)*"/g, '"…"')
    .replace(/\bt=[\d.]+s/g, 't')
    .replace(/\b(?:default|q\d|p\d)\/\S+/g, 'TASK')
    .replace(/\b(?:default|q\d|p\d)\b/g, 'QUEUE')
    .replace(/\d+(?:\.\d+)?/g, '#');
  return `${v.rule} [${v.check}] ${what}`;
}

export class BadKnownList extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadKnownList';
  }
}

/** `HDR-3,PUSH-4` → the rule IDs; anything that is not a rule ID is refused (a typo must not hide a defect). */
export function parseKnown(text: string, where = '--known'): CitedRule[] {
  const out: CitedRule[] = [];
  for (const raw of text.split(/[,\n]/)) {
    const item = raw.replace(/#.*$/, '').trim();
    if (item === '') continue;
    const rule = item === PROTOCOL_FAULT ? PROTOCOL_FAULT : resolveRuleId(item);
    if (rule === undefined)
      throw new BadKnownList(`${where}: ${JSON.stringify(item)} is not a rule ID (e.g. HDR-3, PULL-7, RETRY-4)`);
    out.push(rule);
  }
  return out;
}

/** A file of rule IDs, one per line or comma-separated; `#` starts a comment. */
export async function readKnownFile(path: string): Promise<CitedRule[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new BadKnownList(
      `--known-file: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  if (text.length > 64 * 1024)
    throw new BadKnownList(`--known-file: ${path} is larger than 64 KiB; it should list rule IDs`);
  return parseKnown(text, `--known-file ${path}`);
}
