/**
 * A failure as one command-line token: base64url of JSON {v, seed, path, replayPath, maxCommands, realTime}.
 * `seed` and `path` are fast-check's (the run and the shrink steps to it); `replayPath` is what
 * fc.commands needs to replay which commands ran; `maxCommands` and `realTime` shape the arbitraries,
 * so a replay regenerates exactly the same counterexample.
 *
 * A token is input from anywhere (a CI log, a chat): every field is checked against a bound before
 * use, so a forged one is refused (exit 2) instead of asking fast-check to skip a billion runs or
 * generate a billion commands.
 */
export interface ReplayToken {
  v: 1;
  seed: number;
  path: string;
  replayPath: string;
  maxCommands: number;
  realTime: boolean;
}

/** The longest command sequence a campaign or a token may ask for (CLI --max-commands too). */
export const MAX_COMMANDS_LIMIT = 1000;
/** The most runs a campaign may ask for (CLI --runs), and so the highest run index in a path. */
export const MAX_RUNS_LIMIT = 1_000_000;
/** Shrink steps in a path: each is one accepted shrink; real counterexamples need a few hundred. */
const MAX_PATH_SEGMENTS = 10_000;
/** fast-check's own index within one shrink step stays far below this. */
const MAX_PATH_INDEX = 1_000_000;
const MAX_TOKEN_CHARS = 64 * 1024;

export class BadReplayToken extends Error {
  constructor(why: string) {
    super(`invalid --replay token: ${why}`);
    this.name = 'BadReplayToken';
  }
}

export function encodeReplay(t: ReplayToken): string {
  return Buffer.from(JSON.stringify(t), 'utf8').toString('base64url');
}

export function decodeReplay(token: string): ReplayToken {
  if (token.length > MAX_TOKEN_CHARS) throw new BadReplayToken(`longer than ${MAX_TOKEN_CHARS} characters`);
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw new BadReplayToken('not base64url text');
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new BadReplayToken('not JSON inside');
  }
  const o = v as Partial<ReplayToken> | null;
  if (o === null || typeof o !== 'object' || Array.isArray(o) || o.v !== 1) throw new BadReplayToken('unknown version');
  if (!Number.isInteger(o.seed) || o.seed! < -0x8000_0000 || o.seed! > 0xffff_ffff)
    throw new BadReplayToken('no seed (a 32-bit integer)');
  if (typeof o.path !== 'string' || !/^\d{1,10}(:\d{1,10})*$/.test(o.path))
    throw new BadReplayToken('no fast-check path (numbers joined by ":")');
  const segments = o.path.split(':').map(Number);
  if (segments.length > MAX_PATH_SEGMENTS)
    throw new BadReplayToken(`a path of more than ${MAX_PATH_SEGMENTS} shrink steps`);
  if (segments[0] >= MAX_RUNS_LIMIT)
    throw new BadReplayToken(`run ${segments[0]} is past the ${MAX_RUNS_LIMIT} runs a campaign may have`);
  if (segments.some((s) => s > MAX_PATH_INDEX)) throw new BadReplayToken('a shrink step out of range');
  if (
    typeof o.replayPath !== 'string' ||
    o.replayPath.length > 8192 ||
    !/^([A-Za-z0-9+/]*:[A-Za-z0-9+/]*)?$/.test(o.replayPath)
  ) {
    throw new BadReplayToken('no replayPath (fast-check\'s "counts:changes")');
  }
  if (!Number.isInteger(o.maxCommands) || o.maxCommands! < 1 || o.maxCommands! > MAX_COMMANDS_LIMIT) {
    throw new BadReplayToken(`maxCommands must be 1–${MAX_COMMANDS_LIMIT}`);
  }
  if (o.realTime !== undefined && typeof o.realTime !== 'boolean')
    throw new BadReplayToken('realTime must be true or false');
  return {
    v: 1,
    seed: o.seed!,
    path: o.path,
    replayPath: o.replayPath,
    maxCommands: o.maxCommands!,
    realTime: o.realTime === true,
  };
}
