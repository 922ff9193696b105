/**
 * The rule catalog as code: look a rule up by ID, list a section, and turn an ID into the text and the
 * rulebook anchor a report shows beside a verdict. Imports nothing else from the project, so any layer may
 * cite rules through it.
 */
import { RULES, type RuleEntry, type RuleId } from './catalog.js';
import type { OptionName } from './options.js';
import { SECTIONS, type RuleSection } from './sections.js';

export { RULES, type RuleEntry, type RuleId } from './catalog.js';
export { OPTIONS, option, readingLabel, type OptionName, type ProfileLabel, type Reading, type RuleOption } from './options.js';
export { SECTIONS, SECTION_NAMES, isRuleSection, type RuleSection } from './sections.js';

/** A catalog entry with its ID and section filled in. */
export interface Rule {
  readonly id: RuleId;
  readonly section: RuleSection;
  readonly title: string;
  readonly statement: string;
  readonly options: readonly OptionName[];
  readonly waiver?: string;
  readonly aliases: readonly string[];
}

/** Where the generated rulebook lives, relative to the package root. */
export const RULEBOOK_PATH = 'docs/RULES.md';

export const RULE_IDS = Object.keys(RULES) as readonly RuleId[];

const BY_ID = new Map<string, Rule>(
  RULE_IDS.map((id) => {
    const e: RuleEntry = RULES[id];
    const r: Rule = {
      id,
      section: id.slice(0, id.indexOf('-')) as RuleSection,
      title: e.title,
      statement: e.statement,
      options: e.options ?? [],
      aliases: e.aliases ?? [],
      ...(e.waiver !== undefined ? { waiver: e.waiver } : {}),
    };
    return [id, Object.freeze(r)];
  }),
);

const BY_ALIAS = new Map<string, RuleId>(
  [...BY_ID.values()].flatMap((r) => [[r.id, r.id] as const, ...r.aliases.map((a) => [a, r.id] as const)]),
);

export function isRuleId(name: string): name is RuleId {
  return BY_ID.has(name);
}

export function rule(id: RuleId): Rule {
  const r = BY_ID.get(id);
  if (!r) throw new RangeError(`unknown rule ${JSON.stringify(id)}`); // only reachable past the type system
  return r;
}

/** Every rule, in SPEC order. */
export function allRules(): Rule[] {
  return [...BY_ID.values()];
}

export function rulesIn(section: RuleSection): Rule[] {
  return allRules().filter((r) => r.section === section);
}

/** A rule named as people and older code write it: any case, or a known short form (`INV-NODUP`). */
export function resolveRuleId(name: string): RuleId | undefined {
  return BY_ALIAS.get(name.trim().toUpperCase());
}

/** One line for a tooltip or a glossary: `HDR-3 X-AppEngine-TaskRetryCount: 0 on the first attempt …`. */
export function ruleText(id: RuleId): string {
  const r = rule(id);
  return `${r.id} ${r.title}: ${r.statement}`;
}

/** The anchor of the rule in the rulebook (`hdr-3`); `${RULEBOOK_PATH}#${ruleAnchor(id)}` links to it. */
export function ruleAnchor(id: RuleId): string {
  return id.toLowerCase();
}

/**
 * The known rules among cited IDs (strings, as findings carry them today), once each, in SPEC order. For a
 * report's glossary: every ID a report cites, with its text.
 */
export function citedRules(ids: Iterable<string>): Rule[] {
  const wanted = new Set<RuleId>();
  for (const s of ids) {
    const id = resolveRuleId(s);
    if (id) wanted.add(id);
  }
  return allRules().filter((r) => wanted.has(r.id));
}

export function sectionHeading(section: RuleSection): string {
  const s = SECTIONS[section];
  return `§${s.number} ${s.title} — ${section}`;
}
