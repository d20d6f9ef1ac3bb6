import { imageStages, lintDockerfile } from '../src/dockerfile-lint';

const good = `ARG NODE_IMAGE=node:24.22.3-bookworm-slim
FROM \${NODE_IMAGE} AS build
RUN echo build
FROM \${NODE_IMAGE} AS runtime
COPY --from=build /x /x
USER 10001:10001
HEALTHCHECK CMD ["node", "-e", "process.exit(0)"]
`;

describe('Dockerfile rules', () => {
  it('accepts a pinned, non-root image with a health check', () => {
    expect(lintDockerfile(good)).toEqual([]);
  });

  it('rejects a floating base, a root final stage, a URL ADD and a missing health check', () => {
    const bad = 'FROM node:lts AS build\nADD https://example.com/x.tgz /x\nFROM build\nUSER root\n';
    expect(lintDockerfile(bad).map((p) => p.message)).toEqual([
      'base image node:lts is not pinned to an exact version or a digest',
      'ADD of a URL: download in a build step with a checksum instead',
      'USER root must be a numeric non-root uid (>= 1000) so runAsNonRoot can verify it',
      'no HEALTHCHECK',
    ]);
  });

  it("rejects a node base of another version than the project's", () => {
    expect(lintDockerfile(good, { nodeVersion: '24.22.3' })).toEqual([]);
    expect(lintDockerfile(good, { nodeVersion: '24.23.0' })).toEqual([
      { line: 2, message: "base image node:24.22.3-bookworm-slim is not the project's Node.js 24.23.0" },
      { line: 4, message: "base image node:24.22.3-bookworm-slim is not the project's Node.js 24.23.0" },
    ]);
  });

  it('accepts a digest-pinned base', () => {
    const digest = good.replace('node:24.22.3-bookworm-slim', `node@sha256:${'a'.repeat(64)}`);
    expect(lintDockerfile(digest)).toEqual([]);
  });
});

describe('a Dockerfile whose image is picked by a build argument', () => {
  const picked = `ARG NODE_IMAGE=node:24.22.3-bookworm-slim
ARG SERVICE
FROM \${NODE_IMAGE} AS build
RUN echo build
FROM \${NODE_IMAGE} AS runtime
COPY --from=build /x /x
USER 10001:10001
HEALTHCHECK CMD ["node", "-e", "process.exit(0)"]
FROM runtime AS one
EXPOSE 1
FROM runtime AS two
EXPOSE 2
FROM \${SERVICE}
`;

  it('checks every stage it can pick, each inheriting USER from its base stage', () => {
    expect(lintDockerfile(picked)).toEqual([]);
    expect(imageStages(picked)).toEqual(['one', 'two']);
  });

  it('names a pickable stage that would run as root', () => {
    const rooted = picked.replace('FROM runtime AS two', 'FROM $NODE_IMAGE AS two');
    expect(lintDockerfile(rooted)).toEqual([
      { line: 11, message: 'stage two (chosen by SERVICE) sets no USER: the image would run as root' },
    ]);
  });

  it('still wants a build argument with a default to be a pinned image', () => {
    const floating = picked.replace('ARG SERVICE', 'ARG SERVICE=node:lts');
    expect(lintDockerfile(floating).map((p) => p.message)).toEqual([
      'base image node:lts is not pinned to an exact version or a digest',
      'the final stage sets no USER: the image would run as root',
    ]);
  });
});
