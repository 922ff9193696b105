/** Seeds: one for the run (printed, replayable), one per case derived from it and the case id. */
import { randomBytes, randomInt } from 'node:crypto';

export const MAX_SEED = 2 ** 31 - 1;

export function randomSeed(): number {
  return randomInt(1, MAX_SEED);
}

/** FNV-1a over `seed:id`: the same case gets the same seed whether it runs alone or with the rest. */
export function caseSeed(seed: number, caseId: string): number {
  let h = 0x811c9dc5;
  for (const ch of `${seed}:${caseId}`) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h & MAX_SEED;
}

/** A short random tag that keeps this run's task names apart from earlier runs against the same handler. */
export function runNonce(): string {
  return randomBytes(4).toString('hex');
}
