/** Small text helpers for terminal output. */
export const num = (n: number): string => n.toLocaleString('en-US');

const useColor = (): boolean => Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;

export function paint(code: number, text: string): string {
  return useColor() ? `\x1b[${code}m${text}\x1b[0m` : text;
}

export const green = (t: string): string => paint(32, t);
export const red = (t: string): string => paint(31, t);
export const yellow = (t: string): string => paint(33, t);
export const dim = (t: string): string => paint(2, t);

export function statusWord(status: string): string {
  const padded = status.padEnd(4);
  if (status === 'pass') return green(padded);
  if (status === 'fail') return red(padded);
  if (status === 'warn') return yellow(padded);
  return dim(padded);
}
