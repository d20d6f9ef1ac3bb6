// Which service really reads which Kafka topic, derived from the services' code (not from topics.ts):
// every `runConsumer({ topics: [Topics.x, ...] })` call under services/<name>/src. topics.ts becomes
// the Kafka ACLs (k8s/kafka/users.yaml), so a read grant no code uses is a grant too many.
// A consumer this cannot read (topics not a literal list of `Topics.*`, or kafkajs consumers made
// directly) is reported as a problem rather than guessed.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Topics } from '@ivr/contracts';
import ts from 'typescript';

export interface DerivedConsumers {
  /** service → topics it subscribes to (sorted). */
  reads: Map<string, string[]>;
  /** What could not be derived, with file and line. */
  problems: string[];
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (entry.endsWith('.ts') && !entry.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

const topicNames: Record<string, string> = Topics;

/** The consumers of every service folder under `servicesDir` (services/<name>/src/**.ts). */
export function deriveConsumers(servicesDir: string): DerivedConsumers {
  const reads = new Map<string, string[]>();
  const problems: string[] = [];
  for (const service of readdirSync(servicesDir).sort()) {
    const src = join(servicesDir, service, 'src');
    try {
      if (!statSync(src).isDirectory()) continue;
    } catch {
      continue;
    }
    const topics = new Set<string>();
    for (const file of sourceFiles(src)) {
      const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
      const where = (node: ts.Node) =>
        `${relative(servicesDir, file)}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}`;
      const visit = (node: ts.Node): void => {
        if (ts.isCallExpression(node)) {
          const callee = node.expression.getText(sf);
          if (callee === 'runConsumer') collect(node, topics, where, problems);
          // A kafkajs consumer made by hand would escape this check (and the dead-letter handling).
          else if (/\.consumer$/.test(callee)) problems.push(`${where(node)}: ${callee}() outside runConsumer`);
        }
        ts.forEachChild(node, visit);
      };
      visit(sf);
    }
    reads.set(service, [...topics].sort());
  }
  return { reads, problems };
}

function collect(call: ts.CallExpression, into: Set<string>, where: (n: ts.Node) => string, problems: string[]): void {
  const options = call.arguments[0];
  const prop =
    options && ts.isObjectLiteralExpression(options)
      ? options.properties.find((p) => p.name?.getText() === 'topics')
      : undefined;
  if (!prop || !ts.isPropertyAssignment(prop) || !ts.isArrayLiteralExpression(prop.initializer)) {
    problems.push(`${where(call)}: runConsumer without a literal topics list`);
    return;
  }
  for (const element of prop.initializer.elements) {
    const m = /^Topics\.(\w+)$/.exec(element.getText());
    const name = m ? topicNames[m[1] as string] : undefined;
    if (name) into.add(name);
    else problems.push(`${where(element)}: topic ${element.getText()} is not one of Topics`);
  }
}

/** Differences between the consumers topics.ts grants and those the code has, per service. */
export function consumerGrantProblems(
  specs: { name: string; consumers: string[]; producers: string[] }[],
  derived: DerivedConsumers,
  deadLetterTopic: string = Topics.deadLetter,
): string[] {
  const problems = [...derived.problems];
  const services = new Set(derived.reads.keys());
  for (const spec of specs) {
    const granted = spec.consumers.filter((c) => services.has(c)).sort();
    const used = [...derived.reads].filter(([, topics]) => topics.includes(spec.name)).map(([s]) => s);
    for (const s of granted)
      if (!used.includes(s)) problems.push(`${spec.name}: topics.ts lets ${s} read it, but ${s} never consumes it`);
    for (const s of used)
      if (!granted.includes(s)) problems.push(`${spec.name}: ${s} consumes it, but topics.ts does not list it`);
  }
  // runConsumer is what writes the dead-letter topic: only services that consume need to write it.
  const deadLetter = specs.find((s) => s.name === deadLetterTopic);
  if (deadLetter) {
    const consuming = [...derived.reads].filter(([, t]) => t.length > 0).map(([s]) => s);
    for (const s of deadLetter.producers.filter((p) => services.has(p)))
      if (!consuming.includes(s))
        problems.push(`${deadLetterTopic}: ${s} may write it, but runs no consumer (the only writer of dead letters)`);
    for (const s of consuming)
      if (!deadLetter.producers.includes(s)) problems.push(`${deadLetterTopic}: ${s} consumes, but may not write it`);
  }
  return problems;
}
