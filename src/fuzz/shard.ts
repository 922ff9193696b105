/**
 * Splitting one campaign over machines. A campaign is (seed S, runs N). Shard i of n (1-based) runs
 * fast-check with its own seed and its share of the runs:
 *   seed_i = S                         when n = 1
 *          = mix32(S, i)               otherwise (a murmur3-style mix of the two)
 *   runs_i = floor(N / n) + (i ≤ N mod n ? 1 : 0)
 * so the shards together run exactly N runs, every machine can compute its part from (S, N, i, n)
 * alone, and any failing shard's replay token stands on its own.
 */
export interface Shard {
  index: number;
  count: number;
}

export function parseShard(text: string): Shard | undefined {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) return undefined;
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) return undefined;
  return { index, count };
}

export function shardSeed(seed: number, shard: Shard): number {
  if (shard.count === 1) return seed >>> 0;
  let h = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ shard.index, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function shardRuns(runs: number, shard: Shard): number {
  return Math.floor(runs / shard.count) + (shard.index <= runs % shard.count ? 1 : 0);
}
