/**
 * A command's --help text, in-process: the command as the CLI registers it, its help written out by
 * commander the way `tasksim <command> --help` writes it (the description, the options, then the text
 * the command adds after them), without starting a process for it.
 */
import { Command } from 'commander';

export function helpOf(register: (program: Command) => void, name: string): string {
  const program = new Command('tasksim');
  register(program);
  const command = program.commands.find((c) => c.name() === name);
  if (!command) throw new Error(`no command ${name} was registered`);
  let text = '';
  command.configureOutput({ writeOut: (s) => void (text += s), writeErr: (s) => void (text += s) });
  command.outputHelp();
  return text;
}
