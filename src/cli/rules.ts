/** `tasksim rules [ID|SECTION]`: the rules every verdict cites, with their text, options and rulebook anchor. */
import type { Command } from 'commander';
import {
  RULEBOOK_PATH,
  SECTIONS,
  SECTION_NAMES,
  allRules,
  isRuleSection,
  option,
  resolveRuleId,
  rule,
  ruleAnchor,
  rulesIn,
  sectionHeading,
  type Rule,
} from '../rules/index.js';
import { CliError, EXIT, runCommand } from './common.js';
import { dim } from './format.js';

const WIDTH = 100;

export function registerRules(program: Command): void {
  program
    .command('rules')
    .description('print the rules of the contract that checks cite (all, one section, or one rule)')
    .argument('[rule-or-section]', 'a rule ID (HDR-3), a section (HDR, §3 or 3); none for the index')
    .option('--json', 'print the selected rules as one JSON array')
    .addHelpText(
      'after',
      `\nExamples:\n  tasksim rules              every rule, one line each\n  tasksim rules RETRY-4      one rule in full, with its options\n  tasksim rules pull --json  a section as JSON\n\nThe same text, with where each rule is modelled and checked, is in ${RULEBOOK_PATH}.\nExit codes: 0 printed, 2 no such rule or section.`,
    )
    .action((what: string | undefined, opts: { json?: boolean }) => runCommand(async () => printRules(what, opts)));
}

function printRules(what: string | undefined, opts: { json?: boolean }): number {
  process.stdout.write(renderRules(what, opts.json === true) + '\n');
  return EXIT.ok;
}

/** The command's output; an unknown rule or section is a CliError (exit 2) that names the choices. */
export function renderRules(what: string | undefined, json: boolean): string {
  const selected = what === undefined ? allRules() : select(what);
  if (json) return JSON.stringify(selected.map(toJson), null, 2);
  return what === undefined ? index() : selected.map(fullText).join('\n\n');
}

/** A rule by ID (any case, short forms too), or a section by name or number. */
function select(what: string): Rule[] {
  const id = resolveRuleId(what);
  if (id) return [rule(id)];
  const name = what.trim().toUpperCase();
  if (isRuleSection(name)) return rulesIn(name);
  const number = /^§?\s*(\d+)$/.exec(name)?.[1];
  const numbered = SECTION_NAMES.filter((s) => String(SECTIONS[s].number) === number);
  if (numbered.length) return numbered.flatMap(rulesIn);
  throw new CliError(unknownMessage(what, name));
}

function unknownMessage(what: string, name: string): string {
  const prefix = name.slice(0, name.indexOf('-'));
  if (isRuleSection(prefix)) {
    return `no rule ${JSON.stringify(what)}: ${prefix} has ${rulesIn(prefix)
      .map((r) => r.id)
      .join(', ')}`;
  }
  return (
    `no rule or section ${JSON.stringify(what)}: name a rule ID such as HDR-3 (\`tasksim rules\` lists them all) ` +
    `or a section: ${SECTION_NAMES.join(', ')}`
  );
}

function index(): string {
  const lines: string[] = [];
  for (const section of SECTION_NAMES) {
    lines.push(sectionHeading(section));
    for (const r of rulesIn(section)) lines.push(`  ${r.id.padEnd(24)} ${r.title}${r.waiver ? dim(' (waived)') : ''}`);
    lines.push('');
  }
  lines.push(
    dim(`tasksim rules ID prints a rule in full; tasksim rules SECTION a section. The rulebook: ${RULEBOOK_PATH}`),
  );
  return lines.join('\n');
}

function fullText(r: Rule): string {
  const lines = [`${r.id}  ${r.title}`, dim(sectionHeading(r.section)), '', ...wrap(r.statement, '  ')];
  for (const name of r.options) {
    const opt = option(name);
    lines.push('', ...wrap(`Option ${opt.name}: ${opt.question}`, '  ', '    '));
    for (const reading of opt.readings) {
      const defaults = reading.defaultIn?.length ? `; default in ${reading.defaultIn.join(', ')}` : '';
      lines.push(
        ...wrap(
          `--option ${opt.name}=${reading.value}: ${reading.says} (${reading.source}${defaults})`,
          '    - ',
          '      ',
        ),
      );
    }
  }
  if (r.waiver) lines.push('', ...wrap(`Waived: ${r.waiver}`, '  '));
  lines.push('', dim(`  ${RULEBOOK_PATH}#${ruleAnchor(r.id)}`));
  return lines.join('\n');
}

/** Greedy word wrap to WIDTH, the first line after `first`, the rest after `rest`. */
function wrap(text: string, first: string, rest = first): string[] {
  const lines: string[] = [];
  let line = first;
  for (const word of text.split(/\s+/)) {
    const indent = lines.length ? rest : first;
    if (line.length > indent.length && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = rest + word;
    } else {
      line += (line.length > indent.length ? ' ' : '') + word;
    }
  }
  lines.push(line);
  return lines;
}

function toJson(r: Rule): object {
  return {
    id: r.id,
    section: r.section,
    sectionTitle: SECTIONS[r.section].title,
    title: r.title,
    statement: r.statement,
    options: r.options.map((name) => ({ field: name, ...option(name) })),
    ...(r.waiver ? { waiver: r.waiver } : {}),
    ...(r.aliases.length ? { aliases: r.aliases } : {}),
    rulebook: `${RULEBOOK_PATH}#${ruleAnchor(r.id)}`,
  };
}
