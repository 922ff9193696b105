/** The scripted target: a service model decides each attempt's service time and status from the seed. */
import type { Random } from '../sim/random.js';
import type { Micros } from '../sim/time.js';
import type { ServiceModel, ServiceTime } from './types.js';

export function sampleServiceTime(st: ServiceTime, rng: Random): Micros {
  switch (st.dist) {
    case 'constant':
      return st.us;
    case 'exponential':
      return Math.round(rng.exponential(st.meanUs));
    case 'lognormal':
      return Math.round(rng.lognormal(st.medianUs, st.sigma));
  }
}

export class StatusMix {
  private readonly weights: number[];
  private readonly total: number;

  constructor(private readonly model: ServiceModel) {
    this.weights = model.statuses.map((s) => s.weight);
    this.total = this.weights.reduce((a, b) => a + b, 0);
  }

  sample(rng: Random): number {
    const list = this.model.statuses;
    if (list.length === 1) return list[0].status;
    return list[this.weights.length === 0 ? 0 : rng.weighted(this.weights, this.total)].status;
  }
}
