// The tests a file declares, read from its syntax tree without running it: each `describe`/`it`/`test`
// (and `report(...)` lines of check-chart.ts) with the titles of the blocks around it, as jest names
// them in its results (ancestor titles, then the title). Used to check, before any test runs, that a
// test the boundary claims name exists and is not skipped.
// A title that is not a plain string is a pattern: `${...}` in a template, and the placeholders of
// `.each` (%s, %i, $name, ...), match anything.
import { readFileSync } from 'node:fs';
import ts from 'typescript';

/** The separator between a test's enclosing titles and its own, as jest prints a failing test. */
export const TITLE_SEPARATOR = ' › ';

export interface DeclaredTest {
  /** Matches the full name (titles joined by TITLE_SEPARATOR). */
  pattern: RegExp;
  /** The full name as written, `*` where a part is computed. */
  written: string;
  /** `.skip`, `.todo`, `xit`, or inside a skipped block. */
  skipped: boolean;
  line: number;
}

const BLOCKS = new Set(['describe', 'xdescribe', 'fdescribe']);
const TESTS = new Set(['it', 'test', 'xit', 'xtest', 'fit']);

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// The placeholders jest's .each substitutes into a title.
const EACH_PLACEHOLDER = /%[sdifjopi#]|\$[A-Za-z_][\w.]*/g;

interface Title {
  regex: string;
  written: string;
}

function titleOf(node: ts.Expression | undefined, each: boolean): Title {
  const literal = (text: string): Title => {
    if (!each) return { regex: escapeRegex(text), written: text };
    let regex = '';
    let last = 0;
    for (const m of text.matchAll(EACH_PLACEHOLDER)) {
      regex += `${escapeRegex(text.slice(last, m.index))}.*`;
      last = (m.index ?? 0) + m[0].length;
    }
    return { regex: regex + escapeRegex(text.slice(last)), written: text.replace(EACH_PLACEHOLDER, '*') };
  };
  if (!node) return { regex: '.*', written: '*' };
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return literal(node.text);
  if (ts.isTemplateExpression(node)) {
    const parts = [literal(node.head.text), ...node.templateSpans.map((s) => literal(s.literal.text))];
    return {
      regex: parts.map((p) => p.regex).join('.*'),
      written: parts.map((p) => p.written).join('*'),
    };
  }
  return { regex: '.*', written: '*' };
}

/** What a call is: a block, a test, or neither; whether it is skipped; whether it is `.each`. */
function classify(
  call: ts.CallExpression,
  testCalls: Set<string>,
): { kind: 'block' | 'test'; skipped: boolean; each: boolean } | undefined {
  let callee: ts.Expression = call.expression;
  let each = false;
  let skipped = false;
  // describe.each(table)(title, fn): the callee is itself a call.
  if (ts.isCallExpression(callee)) {
    callee = callee.expression;
    each = true;
  }
  const modifiers: string[] = [];
  while (ts.isPropertyAccessExpression(callee)) {
    modifiers.push(callee.name.text);
    callee = callee.expression;
  }
  if (!ts.isIdentifier(callee)) return undefined;
  const name = callee.text;
  if (modifiers.includes('each')) each = true;
  if (modifiers.includes('skip') || modifiers.includes('todo') || name.startsWith('x')) skipped = true;
  if (BLOCKS.has(name)) return { kind: 'block', skipped, each };
  if (TESTS.has(name) || testCalls.has(name)) return { kind: 'test', skipped, each };
  return undefined;
}

/**
 * The tests declared in a file. `testCalls` names other functions whose first argument is a check's
 * name (check-chart.ts reports each check with `report(name, problems)`).
 */
export function declaredTests(file: string, testCalls: string[] = []): DeclaredTest[] {
  const text = readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const extra = new Set(testCalls);
  const out: DeclaredTest[] = [];
  const visit = (node: ts.Node, parents: Title[], skippedAbove: boolean): void => {
    if (ts.isCallExpression(node)) {
      const c = classify(node, extra);
      if (c) {
        const title = titleOf(node.arguments[0], c.each);
        const skipped = skippedAbove || c.skipped;
        if (c.kind === 'test') {
          const titles = [...parents, title];
          out.push({
            pattern: new RegExp(`^${titles.map((t) => t.regex).join(escapeRegex(TITLE_SEPARATOR))}$`),
            written: titles.map((t) => t.written).join(TITLE_SEPARATOR),
            skipped,
            line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1,
          });
          return;
        }
        for (const arg of node.arguments.slice(1)) visit(arg, [...parents, title], skipped);
        return;
      }
    }
    ts.forEachChild(node, (child) => visit(child, parents, skippedAbove));
  };
  visit(sf, [], false);
  return out;
}

/** The declared test a full name refers to, if any. */
export function findDeclared(tests: DeclaredTest[], fullName: string): DeclaredTest | undefined {
  return tests.find((t) => t.pattern.test(fullName));
}
