// `make boundary-claims`, the last check of `make test`: every claim of docs/pci-boundary.md is proved by
// tests that ran and passed in this run. Reads the results the tiers wrote (.var/test-results/*.json:
// jest --json of unit, int and e2e, and check-chart's chart.json), prints each claim with the state of
// its tests, and writes test-artifacts/boundary-claims.json, the evidence of the run: commit, time, and
// the status of every test of every claim. Exit 1 when a claim has no test, names a test its file does
// not declare, or one of its tests failed, was skipped or did not run.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { claims, organisational } from './boundary-claims';
import { proofResults, readResults, registryProblems, resultProblems } from './claim-proofs';

const ROOT = join(__dirname, '../../..');
const RESULTS = join(ROOT, '.var/test-results');
const EVIDENCE = join(ROOT, 'test-artifacts/boundary-claims.json');

const git = (...args: string[]) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' }).stdout?.trim() ?? '';

const run = readResults(ROOT, RESULTS);
const results = proofResults(claims, run);
const problems = [...registryProblems(ROOT, claims, organisational), ...resultProblems(claims, results)];

if (run.files.length === 0) console.log(`no results in ${RESULTS}: run make test (or the tiers with --json)`);
else console.log(`results read: ${run.files.join(', ')}`);
for (const c of claims) {
  const mine = results.filter((r) => r.claim === c.id);
  const bad = mine.filter((r) => r.status !== 'passed');
  console.log(`${bad.length === 0 && mine.length > 0 ? 'ok  ' : 'FAIL'}  ${c.id} (${mine.length} tests)`);
  for (const r of bad) console.log(`        ${r.status}: ${r.proof.file}: ${r.proof.test}`);
}
console.log(
  `      ${organisational.length} organisational claims (no test can prove them): ${organisational.map((o) => o.id).join(', ')}`,
);

mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
writeFileSync(
  EVIDENCE,
  `${JSON.stringify(
    {
      commit: git('rev-parse', 'HEAD'),
      uncommittedChanges: git('status', '--porcelain').length > 0,
      checkedAt: new Date().toISOString(),
      resultFiles: run.files,
      proved: problems.length === 0,
      claims: claims.map((c) => ({
        id: c.id,
        says: c.says,
        tests: results.filter((r) => r.claim === c.id).map((r) => ({ ...r.proof, status: r.status })),
      })),
      organisational: organisational.map((o) => ({ id: o.id, says: o.says, why: o.why })),
      problems,
    },
    null,
    2,
  )}\n`,
);

const provedClaims = claims.filter((c) => {
  const mine = results.filter((r) => r.claim === c.id);
  return mine.length > 0 && mine.every((r) => r.status === 'passed');
});
console.log(
  `\nboundary claims: ${provedClaims.length} of ${claims.length} proved in this run (evidence: test-artifacts/boundary-claims.json)`,
);
for (const p of problems) console.log(`  ${p}`);
process.exit(problems.length === 0 ? 0 : 1);
