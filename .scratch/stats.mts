import fc from 'fast-check';
import { configArb } from '../src/fuzz/config-arb.js';
import { commandArbs } from '../src/fuzz/commands.js';
const arb = fc.commands(commandArbs({ outages: true, realTime: false }), { maxCommands: 30, size: 'max' });
const samples = fc.sample(fc.tuple(configArb, arb), 5);
for (const [c, cmds] of samples) console.log([...cmds].length, [...cmds].map(String).slice(0,5).join(' | '));
