/** The citation scanner reads rule IDs and the two short forms the code writes them in. */
import { describe, expect, it } from 'vitest';
import { citedIds, scanCitations } from '../../src/rules/scan.js';
import { FIXTURE_CATALOG, FIXTURE_ROOT } from './fixture-catalog.js';

describe('citedIds', () => {
  it('reads single IDs, numbered and named', () => {
    expect(citedIds('see HDR-3 and PULL-10; INV-NODUP-AFTER-DELETE, (INV-DET)')).toEqual([
      'HDR-3',
      'PULL-10',
      'INV-NODUP-AFTER-DELETE',
      'INV-DET',
    ]);
  });

  it('expands lists and ranges', () => {
    expect(citedIds('HDR-3/4/6')).toEqual(['HDR-3', 'HDR-4', 'HDR-6']);
    expect(citedIds('PULL-8…10')).toEqual(['PULL-8', 'PULL-9', 'PULL-10']);
    expect(citedIds('HDR-1…HDR-3')).toEqual(['HDR-1', 'HDR-2', 'HDR-3']);
    expect(citedIds('RETRY-1..2')).toEqual(['RETRY-1', 'RETRY-2']);
  });

  it('keeps what is shaped like an ID even when it names no rule, and ignores what is not', () => {
    expect(citedIds("HDR-12, INV-NODUP's")).toEqual(['HDR-12', 'INV-NODUP']);
    expect(citedIds('H-1.1 XHDR-3 hdr-3 TASK-abc RETRY-')).toEqual([]);
  });

  it('does not run away on a backwards or huge range', () => {
    expect(citedIds('HDR-5…2')).toEqual(['HDR-5']);
    expect(citedIds('PULL-1…9999')).toEqual(['PULL-1']);
  });
});

describe('scanCitations', () => {
  it('files each citation under its area, sorted, and reports unknown IDs by file', () => {
    const scan = scanCitations(FIXTURE_ROOT, FIXTURE_CATALOG.resolve);
    expect(Object.fromEntries(scan.citations)).toEqual({
      'PUSH-1': { modelled: ['src/model/push.ts'], checked: [], cases: [], mutants: [] },
      'HDR-4': { modelled: ['src/model/push.ts'], checked: [], cases: [], mutants: [] },
      'PUSH-2': { modelled: [], checked: ['src/invariants/rate.ts'], cases: [], mutants: [] },
      'HDR-1': { modelled: [], checked: [], cases: ['conformance/handler/h1.ts'], mutants: [] },
      'HDR-2': { modelled: [], checked: [], cases: [], mutants: ['src/adapters/mutants/headers.ts'] },
    });
    // The fixture's own catalog (src/rules) names HDR-99 and is not scanned; the typo outside every area is caught.
    expect(scan.unknown).toEqual(['src/cli/typo.ts: HDR-12']);
  });
});
