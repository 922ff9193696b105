/** The catalog holds every rule of SPEC once, under its own section, and agrees with the code that cites rules. */
import { describe, expect, it } from 'vitest';
import { HANDLER_CASES } from '../../conformance/handler/index.js';
import { MUTANTS } from '../../src/adapters/mutants/index.js';
import { INVARIANT_IDS } from '../../src/invariants/types.js';
import { OPTIONS as MODEL_OPTIONS, valueName } from '../../src/model/options.js';
import { PROFILES } from '../../src/model/profiles.js';
import {
  OPTIONS,
  RULE_IDS,
  allRules,
  option,
  citedRules,
  isRuleId,
  resolveRuleId,
  rule,
  ruleAnchor,
  rulesIn,
  ruleText,
  type OptionName,
  type RuleId,
} from '../../src/rules/index.js';

/** Read off SPEC by hand, section by section, in its order. */
const SPEC_IDS = [
  ...['PUSH-1', 'PUSH-2', 'PUSH-3', 'PUSH-4', 'PUSH-5', 'PUSH-6', 'PUSH-7', 'PUSH-8'],
  ...['HANDLER-1', 'HANDLER-2', 'HANDLER-3', 'HANDLER-4', 'HANDLER-5', 'HANDLER-6', 'HANDLER-7', 'HANDLER-8'],
  ...['HDR-1', 'HDR-2', 'HDR-3', 'HDR-4', 'HDR-5', 'HDR-6', 'HDR-7', 'HDR-8', 'HDR-9'],
  ...['RETRY-1', 'RETRY-2', 'RETRY-3', 'RETRY-4', 'RETRY-5'],
  ...['INST-1', 'INST-2', 'INST-3', 'DEADLINE-1', 'DEADLINE-2'],
  ...['TASK-1', 'TASK-2', 'TASK-3', 'TASK-4'],
  ...['PULL-1', 'PULL-2', 'PULL-3', 'PULL-4', 'PULL-5', 'PULL-6', 'PULL-7', 'PULL-8', 'PULL-9', 'PULL-10'],
  ...['CFG-1', 'CFG-2', 'CFG-3'],
  ...['INV-ALO', 'INV-NODUP-AFTER-DELETE', 'INV-HDR', 'INV-ETA', 'INV-RATE', 'INV-OUTCOME', 'INV-LIMITS', 'INV-LEASE'],
  ...['INV-DEADLINE', 'INV-DET'],
  ...['CT-1', 'CT-2', 'CT-3', 'CT-4', 'CT-5', 'CT-6', 'CT-7'],
];

describe('the rule catalog', () => {
  it('names every rule of SPEC, once, in SPEC order', () => {
    expect(RULE_IDS).toEqual(SPEC_IDS);
    expect(RULE_IDS.length).toBe(69);
  });

  it('puts each rule in the section its ID names, and lists a section in order', () => {
    expect(rule('HDR-3').section).toBe('HDR');
    expect(rule('INV-NODUP-AFTER-DELETE').section).toBe('INV');
    expect(rulesIn('INST').map((r) => r.id)).toEqual(['INST-1', 'INST-2', 'INST-3']);
    expect(rulesIn('DEADLINE').map((r) => r.id)).toEqual(['DEADLINE-1', 'DEADLINE-2']);
    expect(rulesIn('CT').length).toBe(7);
  });

  it('gives every rule a title and a statement of its own', () => {
    for (const r of allRules()) {
      expect(r.title.length, r.id).toBeGreaterThan(3);
      expect(r.statement.length, r.id).toBeGreaterThan(20);
      expect(r.statement, r.id).not.toMatch(/^\s|\s$|\s{2}/);
    }
    expect(new Set(allRules().map((r) => r.title)).size).toBe(69);
  });

  it('tells rule IDs from other strings', () => {
    expect(isRuleId('HDR-3')).toBe(true);
    expect(isRuleId('PULL-10')).toBe(true);
    expect(isRuleId('HDR-10')).toBe(false);
    expect(isRuleId('hdr-3')).toBe(false);
    expect(isRuleId('INV-NODUP')).toBe(false); // a short form, not an ID
    expect(resolveRuleId(' hdr-3 ')).toBe('HDR-3');
    expect(resolveRuleId('INV-NODUP')).toBe('INV-NODUP-AFTER-DELETE');
    expect(resolveRuleId('HDR-10')).toBeUndefined();
  });

  it('is a type: a RuleId literal compiles, a wrong one does not', () => {
    const ok: RuleId = 'RETRY-4';
    // @ts-expect-error HDR-10 is not a rule
    const wrong: RuleId = 'HDR-10';
    expect([ok, wrong]).toEqual(['RETRY-4', 'HDR-10']);
  });

  it('turns an ID into the text and anchor a report links to', () => {
    expect(ruleText('HDR-3')).toMatch(/^HDR-3 X-AppEngine-TaskRetryCount: .*0 on the first attempt/);
    expect(ruleAnchor('INV-NODUP-AFTER-DELETE')).toBe('inv-nodup-after-delete');
    expect(citedRules(['HDR-3', 'INV-NODUP', 'not-a-rule', 'HDR-1', 'HDR-3']).map((r) => r.id)).toEqual([
      'HDR-1',
      'HDR-3',
      'INV-NODUP-AFTER-DELETE',
    ]);
  });

  it('waives a rule only with a reason', () => {
    for (const r of allRules()) if (r.waiver !== undefined) expect(r.waiver.trim().length, r.id).toBeGreaterThan(20);
  });
});

describe('the catalog agrees with the code that cites rules', () => {
  it("the invariants' own ID type is already a RuleId (checked at compile time)", () => {
    const ids: readonly RuleId[] = INVARIANT_IDS;
    expect(ids).toContain('INV-NODUP-AFTER-DELETE');
  });

  it('every invariant checker, conformance case and mutant cites rules the catalog knows', () => {
    const cited = [...INVARIANT_IDS, ...HANDLER_CASES.flatMap((c) => c.rules), ...MUTANTS.flatMap((m) => m.rules)];
    expect(cited.filter((id) => !isRuleId(id))).toEqual([]);
  });
});

describe('§10 options', () => {
  const fields = Object.keys(OPTIONS) as OptionName[];
  const modelSpec = (field: string) => MODEL_OPTIONS.find((o) => o.field === field);

  it('are the options the model lets a run choose, field for field, by the same names and values', () => {
    expect([...fields].sort()).toEqual(MODEL_OPTIONS.map((o) => o.field).sort());
    for (const field of fields) {
      const spec = modelSpec(field)!;
      expect(option(field).name, field).toBe(spec.name);
      expect(
        option(field)
          .readings.map((r) => r.value)
          .sort(),
        field,
      ).toEqual(Object.keys(spec.values).sort());
    }
  });

  it('are every profile option but the tombstone period, which is a profile fact (TASK-2)', () => {
    expect(Object.keys(PROFILES.appengine).filter((k) => !fields.includes(k as OptionName))).toEqual(['tombstoneUs']);
  });

  it('name, per profile, the default the model has', () => {
    for (const profile of ['appengine', 'cloud-tasks'] as const) {
      for (const field of fields) {
        const defaults = option(field)
          .readings.filter((r) => r.defaultIn?.includes(profile))
          .map((r) => r.value);
        expect(defaults, `${field} in ${profile}`).toEqual([valueName(modelSpec(field)!, PROFILES[profile])]);
      }
    }
  });

  it('each belongs to the rules it changes, among them the rule the model names for it', () => {
    const attached = (name: OptionName): string[] =>
      allRules()
        .filter((r) => r.options.includes(name))
        .map((r) => r.id);
    expect(attached('backoffLinearStep')).toEqual(['RETRY-4']);
    expect(attached('handler503Counts')).toEqual(['HANDLER-3', 'CT-5']);
    expect(attached('retryLimitMeans')).toEqual(['RETRY-1', 'PULL-10', 'CT-1']);
    expect(attached('ageFrom')).toEqual(['RETRY-2']);
    expect(attached('deadlineCountsAsExecution')).toEqual(['HDR-4']);
    expect(attached('executionCounts5xx')).toEqual(['HDR-4', 'CT-5']);
    expect(attached('retryEtaHeader')).toEqual(['HDR-5']);
    for (const spec of MODEL_OPTIONS) expect(attached(spec.field as OptionName), spec.name).toContain(spec.rule);
  });
});
