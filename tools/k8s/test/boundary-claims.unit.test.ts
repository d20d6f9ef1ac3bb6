import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Claim, claims, organisational } from '../src/boundary-claims';
import { proofResults, readResults, registryProblems, resultProblems } from '../src/claim-proofs';
import { declaredTests } from '../src/test-names';

const ROOT = join(__dirname, '..', '..', '..');

describe('the boundary claims (tools/k8s/src/boundary-claims.ts)', () => {
  it('each claim names tests that its files declare, none of them skipped', () => {
    expect(registryProblems(ROOT, claims, organisational)).toEqual([]);
  });

  it('a claim without a test, a test that does not exist and a skipped one are reported', () => {
    const dir = mkdtempSync(join(tmpdir(), 'claims-'));
    mkdirSync(join(dir, 'x'));
    writeFileSync(
      join(dir, 'x/a.unit.test.ts'),
      `describe('block', () => {
         it('holds', () => {});
         it.skip('skipped', () => {});
         it.each([1, 2])('row %i', () => {});
       });
       test(\`computed \${1 + 1}\`, () => {});`,
    );
    const bogus: Claim[] = [
      { id: 'none', section: { kind: 'path' }, says: 'x', provedBy: [] },
      {
        id: 'some',
        section: { kind: 'path' },
        says: 'x',
        provedBy: [
          { file: 'x/a.unit.test.ts', test: 'block › holds' },
          { file: 'x/a.unit.test.ts', test: 'block › row 2' },
          { file: 'x/a.unit.test.ts', test: 'computed 2' },
          { file: 'x/a.unit.test.ts', test: 'block › skipped' },
          { file: 'x/a.unit.test.ts', test: 'holds' },
          { file: 'x/gone.unit.test.ts', test: 'anything' },
          { file: 'x/helper.ts', test: 'anything' },
        ],
      },
    ];
    const problems = registryProblems(dir, bogus, [{ id: 'Bad Id', says: 'x', why: '' }]);
    expect(problems).toEqual([
      'Bad Id: an id is kebab-case',
      'none: no test proves it (name one, or move it to the organisational claims with the reason)',
      'some: x/a.unit.test.ts: "block › skipped": the test is skipped (line 3)',
      expect.stringMatching(/^some: x\/a\.unit\.test\.ts: "holds": the file declares no such test/),
      'some: x/gone.unit.test.ts: "anything": the file does not exist',
      'some: x/helper.ts: "anything": not a test file (*.unit|int|e2e.test.ts) nor tools/k8s/src/check-chart.ts',
      'Bad Id: says and why are both needed',
    ]);
  });

  it('reads the names of describe/it/test blocks and of check-chart reports', () => {
    const chart = declaredTests(join(ROOT, 'tools/k8s/src/check-chart.ts'), ['report']).map((d) => d.written);
    expect(chart).toContain('docs/pci-boundary.md is what the chart generates');
    expect(chart).toContain('segmentation matrix from the NetworkPolicies equals the design (* values)');
  });

  it('after a run, a test that failed, was skipped or did not run fails the claim', () => {
    const dir = mkdtempSync(join(tmpdir(), 'results-'));
    const suite = (status: string, title: string) => ({
      name: join(ROOT, 'x/a.unit.test.ts'),
      assertionResults: [{ ancestorTitles: ['block'], title, status }],
    });
    writeFileSync(
      join(dir, 'unit.json'),
      JSON.stringify({
        testResults: [suite('passed', 'holds'), suite('failed', 'breaks'), suite('pending', 'waits')],
      }),
    );
    const claim = (test: string): Claim => ({
      id: `c-${test}`,
      section: { kind: 'path' },
      says: 'x',
      provedBy: [{ file: 'x/a.unit.test.ts', test: `block › ${test}` }],
    });
    const set = ['holds', 'breaks', 'waits', 'gone'].map(claim);
    const results = proofResults(set, readResults(ROOT, dir));
    expect(results.map((r) => r.status)).toEqual(['passed', 'failed', 'skipped', 'not run']);
    expect(resultProblems(set, results)).toEqual([
      'c-breaks: x/a.unit.test.ts: "block › breaks" failed',
      'c-waits: x/a.unit.test.ts: "block › waits" skipped',
      'c-gone: x/a.unit.test.ts: "block › gone" did not run (renamed, removed, or its tier was not run)',
    ]);
  });
});
