/** `tasksim options`: the SPEC §10 readings, each with its values, its default per profile and its rule. */
import type { Command } from 'commander';
import type { ProfileName } from '../model/config.js';
import { PROFILES } from '../model/profiles.js';
import { OPTIONS, findOption, optionProblem, valueName, type OptionSpec } from '../model/options.js';
import { CliError, EXIT, runCommand } from './common.js';
import { dim } from './format.js';

const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[];

export function registerOptions(program: Command): void {
  program
    .command('options')
    .description('list the SPEC §10 options (where sources disagree): values, default per profile, the rule each reads')
    .argument('[name]', 'show just this option')
    .option('--json', 'print one JSON object on stdout')
    .addHelpText(
      'after',
      "\nSelect one per run with --option name=value (simulate, conform, fuzz; repeatable), a scenario's `options:` map,\n" +
        "the vitest helper's `options` or the adapter protocol's /reset `options`. A profile only sets the defaults.\n" +
        'Exit codes: 0, or 2 for an unknown option name.',
    )
    .action((name: string | undefined, opts: { json?: boolean }) =>
      runCommand(async () => {
        const list = name === undefined ? OPTIONS : [findOption(name) ?? unknownOption(name)];
        process.stdout.write(opts.json ? JSON.stringify(optionsJson(list)) + '\n' : formatOptions(list));
        return EXIT.ok;
      }),
    );
}

function unknownOption(name: string): never {
  throw new CliError(optionProblem(name, undefined)!);
}

export function optionsJson(list: readonly OptionSpec[] = OPTIONS): { options: Record<string, unknown>[] } {
  return {
    options: list.map((o) => ({
      name: o.name,
      values: Object.keys(o.values),
      defaults: Object.fromEntries(PROFILE_NAMES.map((p) => [p, valueName(o, PROFILES[p])])),
      rule: o.rule,
      description: o.description,
    })),
  };
}

export function formatOptions(list: readonly OptionSpec[] = OPTIONS): string {
  const lines: string[] = [];
  for (const o of list) {
    const defaults = PROFILE_NAMES.map((p) => `${p}: ${valueName(o, PROFILES[p])}`).join(', ');
    lines.push(
      `${o.name}  (${o.rule})`,
      `    values    ${Object.keys(o.values).join(' | ')}`,
      `    default   ${defaults}`,
      `    ${dim(o.description)}`,
      '',
    );
  }
  lines.push("Use: --option name=value (repeatable), or a scenario's options: map.");
  return lines.join('\n') + '\n';
}
