import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderQueueYaml } from '../../src/adapters/queue-yaml-text.js';
import { configArb, wallClockConfigArb } from '../../src/fuzz/config-arb.js';
import { parseQueueYaml } from '../../src/model/queue-yaml.js';

describe('renderQueueYaml', () => {
  it('writes queue.yaml that reads back as the same queues (CFG-1)', () => {
    fc.assert(
      fc.property(fc.oneof(configArb, wallClockConfigArb), (config) => {
        const back = parseQueueYaml(renderQueueYaml(config), { profile: config.profile });
        expect(back.queues).toEqual(config.queues);
      }),
      { numRuns: 200 },
    );
  });
});
