/**
 * How often a command sequence holds one kind of command and then another after it, from the draw
 * weights (per command drawn): fc.commands draws a length from 0 to `maxCommands` about uniformly.
 * The catch-rate floors of the mutants that only show after such a pair are derived from it.
 */
export function shareWithThenAfter(maxCommands: number, first: number, then: number): number {
  let sum = 0;
  for (let length = 0; length <= maxCommands; length++) {
    // The first `first` at position k, then at least one `then` among the commands after it.
    for (let k = 0; k < length; k++) sum += (1 - first) ** k * first * (1 - (1 - then) ** (length - 1 - k));
  }
  return sum / (maxCommands + 1);
}
