// One Node.js everywhere: .node-version is the version development, CI and the images run.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryDockerfileProblems } from '../src/dockerfile-lint';

const ROOT = join(__dirname, '../../..');
const pinned = readFileSync(join(ROOT, '.node-version'), 'utf8').trim();
const major = Number(pinned.split('.')[0]);

describe('the Node.js version', () => {
  it('is named by engines in package.json', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).toBe(`>=${pinned} <${major + 1}`);
  });

  it("is the images' base", () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    const named = [...dockerfile.matchAll(/^ARG NODE_IMAGE=node:(\S+?)-/gm)].map((m) => m[1]);
    expect(named).toEqual([pinned]);
    // The rest of what make test-chart checks of it, but hadolint: rules, and a stage per service.
    const services = readdirSync(join(ROOT, 'services')).filter((s) =>
      existsSync(join(ROOT, 'services', s, 'package.json')),
    );
    expect(repositoryDockerfileProblems(dockerfile, services, pinned)).toEqual([]);
  });

  it('runs these tests (make puts the pinned Node first on PATH; see scripts/node.sh)', () => {
    expect(process.versions.node.split('.')[0]).toBe(String(major));
  });
});
