// The rules for our images that hadolint does not enforce by itself: every base pinned to an exact
// version or digest, a non-root numeric USER in every image the file produces (the final stage, or
// each stage a build argument can pick with a last `FROM ${ARG}`; USER is inherited from a base
// stage), no ADD of URLs, a HEALTHCHECK, and (given the project's Node.js version, .node-version) a
// node base image of that very version.
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

interface Stage {
  line: number;
  name?: string;
  /** The base as written, with build arguments that have a default resolved. */
  image: string;
  /** A base chosen at build time: `FROM ${ARG}` of an argument without a default. */
  selectedBy?: string;
  users: { line: number; args: string }[];
}

export function lintDockerfile(text: string, rules: DockerfileRules = {}): DockerfileProblem[] {
  return analyse(text, rules).problems;
}

/** The stages that become images: the last one, or every one a build argument can pick (`FROM ${ARG}`). */
export function imageStages(text: string): string[] {
  return analyse(text, {}).images.map((stage) => stage.name ?? '');
}

function analyse(text: string, rules: DockerfileRules): { problems: DockerfileProblem[]; images: Stage[] } {
  const problems: DockerfileProblem[] = [];
  const ins = instructions(text);
  const args = new Map<string, string | undefined>();
  const stages: Stage[] = [];
  const copiedFrom = new Set<string>();
  const stageNamed = (name: string) => stages.find((st) => st.name === name);
  for (const x of ins) {
    const current = stages[stages.length - 1];
    if (x.keyword === 'ARG' && !current) {
      const [name, value] = x.args.split('=', 2);
      if (name) args.set(name.trim(), value?.trim() || undefined);
    }
    if (x.keyword === 'FROM') {
      const [imageRaw, as, alias] = x.args.split(/\s+/);
      const variable = /^\$\{?(\w+)\}?$/.exec(imageRaw ?? '')?.[1];
      const selectedBy = variable && args.has(variable) && args.get(variable) === undefined ? variable : undefined;
      const image = variable ? (args.get(variable) ?? `$${variable}`) : (imageRaw ?? '');
      if (!selectedBy && !stageNamed(image) && !EXACT_TAG.test(image) && !DIGEST.test(image)) {
        problems.push({ line: x.line, message: `base image ${image} is not pinned to an exact version or a digest` });
      }
      const node = /^node:(\d+\.\d+\.\d+)\b/.exec(image)?.[1];
      if (rules.nodeVersion && node && node !== rules.nodeVersion)
        problems.push({
          line: x.line,
          message: `base image ${image} is not the project's Node.js ${rules.nodeVersion}`,
        });
      stages.push({
        line: x.line,
        ...(as?.toUpperCase() === 'AS' && alias ? { name: alias } : {}),
        image,
        ...(selectedBy ? { selectedBy } : {}),
        users: [],
      });
    }
    if (x.keyword === 'USER') current?.users.push({ line: x.line, args: x.args.trim() });
    const from = x.keyword === 'COPY' ? /--from=(\S+)/.exec(x.args)?.[1] : undefined;
    if (from) copiedFrom.add(from);
    if (x.keyword === 'ADD' && /(https?|ftp):\/\//.test(x.args))
      problems.push({ line: x.line, message: 'ADD of a URL: download in a build step with a checksum instead' });
  }

  // The user a stage runs as: its own last USER, else its base stage's.
  const userOf = (stage: Stage): { line: number; args: string } | undefined => {
    const own = stage.users[stage.users.length - 1];
    const base = own ? undefined : stageNamed(stage.image);
    return own ?? (base && base !== stage ? userOf(base) : undefined);
  };
  // The images this file can produce: the last stage, or, when a build argument picks it, every
  // stage nothing else builds on or copies from.
  const last = stages[stages.length - 1];
  const images = !last
    ? []
    : last.selectedBy
      ? stages.filter(
          (st) =>
            st !== last &&
            st.name !== undefined &&
            !copiedFrom.has(st.name) &&
            !stages.some((other) => other.image === st.name),
        )
      : [last];
  if (last?.selectedBy && images.length === 0)
    problems.push({ line: last.line, message: `FROM \${${last.selectedBy}} has no stage to choose` });
  for (const image of images) {
    const user = userOf(image);
    const which = image === last ? 'the final stage' : `stage ${image.name} (chosen by ${last?.selectedBy})`;
    if (!user) problems.push({ line: image.line, message: `${which} sets no USER: the image would run as root` });
    else if (!/^[1-9]\d{3,}(:[1-9]\d{3,})?$/.test(user.args)) {
      problems.push({
        line: user.line,
        message: `USER ${user.args} must be a numeric non-root uid (>= 1000) so runAsNonRoot can verify it`,
      });
    }
  }
  if (!ins.some((x) => x.keyword === 'HEALTHCHECK' && !/^NONE\b/i.test(x.args)))
    problems.push({ line: 1, message: 'no HEALTHCHECK' });
  return { problems, images };
}

/**
 * The repository's one Dockerfile: the rules above, and a stage for each service (`--build-arg
 * SERVICE=<name>` picks it), none for anything else.
 */
export function repositoryDockerfileProblems(text: string, services: string[], nodeVersion: string): string[] {
  const problems = lintDockerfile(text, { nodeVersion }).map((p) => `Dockerfile:${p.line} ${p.message}`);
  const stages = imageStages(text);
  for (const s of services) if (!stages.includes(s)) problems.push(`Dockerfile has no stage for services/${s}`);
  for (const s of stages) if (!services.includes(s)) problems.push(`Dockerfile stage ${s} is no service`);
  return problems;
}
