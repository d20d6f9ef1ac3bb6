// Runs fast-check properties with a bound on cases and on time, counts cases and failures, and prints
// one line per property plus a total, so the figures can go straight into docs/reliability.md.
import fc from 'fast-check';

export interface Property {
  name: string;
  property: fc.IProperty<unknown[]> | fc.IProperty<[unknown]>;
}

export interface RunOptions {
  runs: number;
  seconds: number;
  seed?: number;
}

export interface Summary {
  cases: number;
  failures: number;
}

export function parseArgs(argv: string[], defaults: RunOptions): RunOptions {
  const opts = { ...defaults };
  for (let i = 0; i < argv.length; i += 2) {
    const value = Number(argv[i + 1]);
    if (!Number.isFinite(value)) throw new Error(`${argv[i]} needs a number`);
    if (argv[i] === '--runs') opts.runs = value;
    else if (argv[i] === '--seconds') opts.seconds = value;
    else if (argv[i] === '--seed') opts.seed = value;
    else throw new Error(`unknown option ${argv[i]} (use --runs N --seconds S --seed N)`);
  }
  return opts;
}

export function runProperties(properties: Property[], opts: RunOptions): Summary {
  const seed = opts.seed ?? Date.now() % 2 ** 31;
  console.log(`fuzz parsers: ${opts.runs} cases per property, at most ${opts.seconds} s each, seed ${seed}`);
  let cases = 0;
  let failures = 0;
  for (const { name, property } of properties) {
    const details = fc.check(property as fc.IProperty<unknown[]>, {
      numRuns: opts.runs,
      seed,
      interruptAfterTimeLimit: opts.seconds * 1000,
      markInterruptAsFailure: false,
    });
    cases += details.numRuns;
    if (details.failed) {
      failures++;
      console.log(`  FAIL ${name} after ${details.numRuns} cases`);
      console.log(fc.defaultReportMessage(details) ?? '');
    } else {
      console.log(`  ok   ${name}: ${details.numRuns} cases`);
    }
  }
  console.log(`fuzz parsers: ${cases} cases, ${failures} failing properties (crashes or wrong results)`);
  return { cases, failures };
}
