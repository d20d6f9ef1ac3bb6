// Whether the claims of boundary-claims.ts are proved: before any test runs (every claim names tests its
// files declare, none skipped) and after a run (every named test ran and passed, from jest's --json
// results in .var/test-results and check-chart's own results there).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Claim, OrganisationalClaim, Proof } from './boundary-claims';
import { type DeclaredTest, declaredTests, findDeclared, TITLE_SEPARATOR } from './test-names';

/** check-chart.ts names its checks with report(name, problems). */
export const CHART_CHECKS = 'tools/k8s/src/check-chart.ts';
const TEST_FILE = /\.(unit|int|e2e)\.test\.ts$/;
const ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Problems of the registry itself, read from the source of the test files it names. */
export function registryProblems(root: string, claims: Claim[], organisational: OrganisationalClaim[]): string[] {
  const problems: string[] = [];
  const ids = [...claims.map((c) => c.id), ...organisational.map((c) => c.id)];
  for (const id of ids) {
    if (!ID.test(id)) problems.push(`${id}: an id is kebab-case`);
    if (ids.indexOf(id) !== ids.lastIndexOf(id)) problems.push(`${id}: the id is used twice`);
  }
  const cache = new Map<string, DeclaredTest[]>();
  const declared = (file: string) => {
    if (!cache.has(file)) cache.set(file, declaredTests(join(root, file), file === CHART_CHECKS ? ['report'] : []));
    return cache.get(file)!;
  };
  for (const claim of claims) {
    if (!claim.says.trim()) problems.push(`${claim.id}: says nothing`);
    if (claim.provedBy.length === 0)
      problems.push(
        `${claim.id}: no test proves it (name one, or move it to the organisational claims with the reason)`,
      );
    for (const proof of claim.provedBy) {
      const where = `${claim.id}: ${proof.file}: "${proof.test}"`;
      if (!TEST_FILE.test(proof.file) && proof.file !== CHART_CHECKS) {
        problems.push(`${where}: not a test file (*.unit|int|e2e.test.ts) nor ${CHART_CHECKS}`);
        continue;
      }
      if (!existsSync(join(root, proof.file))) {
        problems.push(`${where}: the file does not exist`);
        continue;
      }
      const found = findDeclared(declared(proof.file), proof.test);
      if (!found)
        problems.push(
          `${where}: the file declares no such test (titles joined by "${TITLE_SEPARATOR}"; declared: ${declared(
            proof.file,
          )
            .map((d) => `"${d.written}"`)
            .join(', ')})`,
        );
      else if (found.skipped) problems.push(`${where}: the test is skipped (line ${found.line})`);
    }
  }
  for (const o of organisational)
    if (!o.says.trim() || !o.why.trim()) problems.push(`${o.id}: says and why are both needed`);
  return problems;
}

// --- after a run ----------------------------------------------------------------------------------------

export type Status = 'passed' | 'failed' | 'skipped' | 'not run';

/** Status of each test of a run, by `file\0full name`; the tiers whose results were found. */
export interface RunResults {
  status: Map<string, Status>;
  /** Result files read (unit.json, int.json, e2e.json, chart.json). */
  files: string[];
}

interface JestJson {
  testResults?: {
    name: string;
    assertionResults?: { ancestorTitles?: string[]; title: string; status: string }[];
  }[];
}

const key = (file: string, test: string) => `${file}\u0000${test}`;

export function readResults(root: string, dir: string): RunResults {
  const status = new Map<string, Status>();
  const files = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort()
    : [];
  for (const f of files) {
    const json = JSON.parse(readFileSync(join(dir, f), 'utf8')) as JestJson;
    for (const suite of json.testResults ?? []) {
      const file = relative(root, suite.name);
      for (const a of suite.assertionResults ?? []) {
        const name = [...(a.ancestorTitles ?? []), a.title].join(TITLE_SEPARATOR);
        const s: Status = a.status === 'passed' ? 'passed' : a.status === 'failed' ? 'failed' : 'skipped';
        // A name that occurs twice (a .each with equal rows) counts as passed only if every one passed.
        const before = status.get(key(file, name));
        status.set(key(file, name), before && before !== 'passed' ? before : s);
      }
    }
  }
  return { status, files };
}

export interface ProofResult {
  claim: string;
  proof: Proof;
  status: Status;
}

/** Each proof of each claim with its status in the run. */
export function proofResults(claims: Claim[], run: RunResults): ProofResult[] {
  return claims.flatMap((c) =>
    c.provedBy.map((proof) => ({
      claim: c.id,
      proof,
      status: run.status.get(key(proof.file, proof.test)) ?? 'not run',
    })),
  );
}

/** What keeps the run from proving every claim. */
export function resultProblems(claims: Claim[], results: ProofResult[]): string[] {
  const problems = claims.filter((c) => c.provedBy.length === 0).map((c) => `${c.id}: no test proves it`);
  for (const r of results)
    if (r.status !== 'passed')
      problems.push(
        `${r.claim}: ${r.proof.file}: "${r.proof.test}" ${r.status === 'not run' ? 'did not run (renamed, removed, or its tier was not run)' : r.status}`,
      );
  return problems;
}
