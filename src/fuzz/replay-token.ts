/**
 * A failure as one command-line token: base64url of JSON {v, seed, path, replayPath, maxCommands, realTime}.
 * `seed` and `path` are fast-check's (the run and the shrink steps to it); `replayPath` is what
 * fc.commands needs to replay which commands ran; `maxCommands` and `realTime` shape the arbitraries,
 * so a replay regenerates exactly the same counterexample.
 */
export interface ReplayToken {
  v: 1;
  seed: number;
  path: string;
  replayPath: string;
  maxCommands: number;
  realTime: boolean;
}

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
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw new BadReplayToken('not base64url text');
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new BadReplayToken('not JSON inside');
  }
  const o = v as Partial<ReplayToken> | null;
  if (o === null || typeof o !== 'object' || o.v !== 1) throw new BadReplayToken('unknown version');
  if (!Number.isInteger(o.seed)) throw new BadReplayToken('no seed');
  if (typeof o.path !== 'string' || !/^\d+(:\d+)*$/.test(o.path)) throw new BadReplayToken('no fast-check path');
  if (typeof o.replayPath !== 'string') throw new BadReplayToken('no replayPath');
  if (!Number.isInteger(o.maxCommands) || o.maxCommands! < 1) throw new BadReplayToken('no maxCommands');
  return { v: 1, seed: o.seed!, path: o.path, replayPath: o.replayPath, maxCommands: o.maxCommands!, realTime: o.realTime === true };
}
