/** `tasksim rules`: the index, one rule, a section as JSON, and clear refusals (exit 2). */
import { describe, expect, it } from 'vitest';
import { renderRules } from '../../src/cli/rules.js';
import { SECTION_NAMES } from '../../src/rules/index.js';
import { tasksim } from '../helpers/cli.js';

describe('tasksim rules', () => {
  it('prints one rule in full: text, section, §10 option and rulebook anchor', () => {
    const out = renderRules('retry-4', false);
    expect(out).toMatch(/^RETRY-4 {2}The backoff formula\n§4 Retries and backoff — RETRY\n/);
    expect(out).toContain('Option backoff-linear-step');
    expect(out).toContain('--option backoff-linear-step=half');
    expect(out).toContain('default in appengine, cloud-tasks');
    expect(out).toContain('docs/RULES.md#retry-4');
  });

  it('wraps every rule to 100 columns', () => {
    const long = SECTION_NAMES.flatMap((s) => renderRules(s, false).split('\n')).filter((l) => l.length > 100);
    expect(long).toEqual([]);
  });

  it('prints a section as JSON, every rule of it in order; a section by number spans INST and DEADLINE', () => {
    const rules = JSON.parse(renderRules('§5', true)) as { id: string; section: string; rulebook: string }[];
    expect(rules.map((x) => x.id)).toEqual(['INST-1', 'INST-2', 'INST-3', 'DEADLINE-1', 'DEADLINE-2']);
    expect(rules[3]).toMatchObject({ section: 'DEADLINE', rulebook: 'docs/RULES.md#deadline-1' });
    expect((JSON.parse(renderRules('pull', true)) as unknown[]).length).toBe(10);
  });

  it('lists every rule, one line each, by default', () => {
    const out = renderRules(undefined, false);
    expect(out).toMatch(/^§1 Push dispatch — PUSH\n {2}PUSH-1 +One HTTP request per delivery\n/);
    expect(out.split('\n').filter((l) => /^ {2}[A-Z]+-[A-Z0-9-]+ /.test(l))).toHaveLength(69);
    expect(out).toMatch(/ {2}CT-7 +Pull queues in v2beta2$/m); // served by tasksim serve: no longer waived
  });

  it("refuses an unknown rule by naming its section's rules, an unknown section by naming the sections", () => {
    expect(() => renderRules('HDR-10', false)).toThrow(
      'no rule "HDR-10": HDR has HDR-1, HDR-2, HDR-3, HDR-4, HDR-5, HDR-6, HDR-7, HDR-8, HDR-9',
    );
    expect(() => renderRules('QUEUE', true)).toThrow(
      'or a section: PUSH, HANDLER, HDR, RETRY, INST, DEADLINE, TASK, PULL, CFG, INV, CT',
    );
  });

  it('as a command: exit 0 with the rule on stdout, exit 2 with the choices on stderr', async () => {
    const [ok, bad] = await Promise.all([tasksim(['rules', 'INV-NODUP']), tasksim(['rules', 'HDR-10', '--json'])]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^INV-NODUP-AFTER-DELETE {2}Nothing after the end\n/);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toBe(
      'tasksim: no rule "HDR-10": HDR has HDR-1, HDR-2, HDR-3, HDR-4, HDR-5, HDR-6, HDR-7, HDR-8, HDR-9\n',
    );
  });
});
