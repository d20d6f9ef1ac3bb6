// The rules for our images that hadolint does not enforce by itself: every base pinned to an exact
// version or digest, a non-root numeric USER in the final stage, no ADD of URLs, a HEALTHCHECK, and
// (given the project's Node.js version, .node-version) a node base image of that very version.
export interface DockerfileProblem {
  line: number;
  message: string;
}

const EXACT_TAG = /:[^:@/]*\d+\.\d+\.\d+[^:@/]*$/;
const DIGEST = /@sha256:[a-f0-9]{64}$/;

/** Logical lines (continuations joined), with the number of the line each starts on. */
function instructions(text: string): { line: number; keyword: string; args: string }[] {
  const out: { line: number; keyword: string; args: string }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let current = lines[i]!;
    while (current.trimEnd().endsWith('\\') && i + 1 < lines.length)
      current = `${current.trimEnd().slice(0, -1)} ${lines[++i]}`;
    const trimmed = current.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const m = /^(\S+)\s*(.*)$/.exec(trimmed)!;
    out.push({ line: start + 1, keyword: m[1]!.toUpperCase(), args: m[2]! });
  }
  return out;
}

export interface DockerfileRules {
  /** The project's Node.js version (.node-version): every `node:<version>-…` base must name it. */
  nodeVersion?: string;
}

export function lintDockerfile(text: string, rules: DockerfileRules = {}): DockerfileProblem[] {
  const problems: DockerfileProblem[] = [];
  const ins = instructions(text);
  const args = new Map<string, string>();
  const stages = new Set<string>();
  let lastFrom = -1;
  ins.forEach((x, idx) => {
    if (x.keyword === 'ARG' && lastFrom === -1) {
      const [name, value] = x.args.split('=', 2);
      if (name && value) args.set(name.trim(), value.trim());
    }
    if (x.keyword === 'FROM') {
      lastFrom = idx;
      const [imageRaw, as, alias] = x.args.split(/\s+/);
      const image = (imageRaw ?? '').replace(/^\$\{?(\w+)\}?$/, (_, a: string) => args.get(a) ?? `$${a}`);
      if (!stages.has(image) && !EXACT_TAG.test(image) && !DIGEST.test(image)) {
        problems.push({ line: x.line, message: `base image ${image} is not pinned to an exact version or a digest` });
      }
      const node = /^node:(\d+\.\d+\.\d+)\b/.exec(image)?.[1];
      if (rules.nodeVersion && node && node !== rules.nodeVersion)
        problems.push({
          line: x.line,
          message: `base image ${image} is not the project's Node.js ${rules.nodeVersion}`,
        });
      if (as?.toUpperCase() === 'AS' && alias) stages.add(alias);
    }
    if (x.keyword === 'ADD' && /(https?|ftp):\/\//.test(x.args))
      problems.push({ line: x.line, message: 'ADD of a URL: download in a build step with a checksum instead' });
  });
  const final = ins.slice(lastFrom + 1);
  const users = final.filter((x) => x.keyword === 'USER');
  const user = users[users.length - 1];
  if (!user)
    problems.push({
      line: ins[lastFrom]?.line ?? 1,
      message: 'the final stage sets no USER: the image would run as root',
    });
  else if (!/^[1-9]\d{3,}(:[1-9]\d{3,})?$/.test(user.args.trim())) {
    problems.push({
      line: user.line,
      message: `USER ${user.args} must be a numeric non-root uid (>= 1000) so runAsNonRoot can verify it`,
    });
  }
  if (!ins.some((x) => x.keyword === 'HEALTHCHECK' && !/^NONE\b/i.test(x.args)))
    problems.push({ line: 1, message: 'no HEALTHCHECK' });
  return problems;
}
