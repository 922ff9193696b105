/**
 * The sections of the contract, in SPEC order. A rule's section is the prefix of its ID (`HDR-3` is in HDR),
 * so a rule never names its section twice. INST and DEADLINE share §5; §10 (options) belongs to the rules it
 * affects, not to a section of its own.
 */
export const SECTIONS = {
  PUSH: { number: 1, title: 'Push dispatch' },
  HANDLER: { number: 2, title: 'The handler contract' },
  HDR: { number: 3, title: 'Request headers' },
  RETRY: { number: 4, title: 'Retries and backoff' },
  INST: { number: 5, title: 'Instances and 503 throttling' },
  DEADLINE: { number: 5, title: 'Request deadlines' },
  TASK: { number: 6, title: 'Tasks, names, sizes' },
  PULL: { number: 7, title: 'Pull queues' },
  CFG: { number: 8, title: 'queue.yaml' },
  INV: { number: 9, title: 'The invariants the harness checks' },
  CT: { number: 11, title: 'The Cloud Tasks API' },
} as const;

export type RuleSection = keyof typeof SECTIONS;

export const SECTION_NAMES = Object.keys(SECTIONS) as readonly RuleSection[];

export function isRuleSection(name: string): name is RuleSection {
  return Object.hasOwn(SECTIONS, name);
}
