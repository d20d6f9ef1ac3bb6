// A V8 CPU profile (.cpuprofile: bench-system's, `node --cpu-prof`'s, BENCH_REST_ONLY=1 bench-orderlink's,
// Chrome's) as a flame graph SVG, with the busiest packages and the functions that spent the most CPU
// themselves printed. Offline, no dependency (bench/flame/): the committed profiles under docs/perf/
// are drawn with it. Idle time is left out: widths are shares of the samples in which the main thread ran.
//   tsx bench/flame.ts <file.cpuprofile> <out.svg> [title]
//   tsx bench/flame.ts <folder or .cpuprofile files...> [--caption "..."] [--out <folder>]
//                      (each as <out>/<name>.svg, docs/perf/ by default)
// bench-system draws its own profiles when it ends; this draws them again, or anyone else's.
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { FLAME_DIR, type ProfileFigures, renderProfile } from './flame/render';
import { fmt, printTable } from './stats';

const USAGE =
  'usage: tsx bench/flame.ts <file.cpuprofile> <out.svg> [title]\n' +
  '       tsx bench/flame.ts <folder or .cpuprofile files...> [--caption "..."] [--out <folder>]';

function print(p: ProfileFigures): void {
  printTable(`${p.service}: ${p.busySamples} busy samples → ${p.svg}`, [
    ...p.packages.slice(0, 8).map((x): [string, string] => [x.pkg, `${fmt(x.share * 100, 1)} % self`]),
    ...p.functions.slice(0, 25).map((x): [string, string] => [x.name, `${fmt(x.share * 100, 1)} % self`]),
  ]);
}

function main(): void {
  const args = process.argv.slice(2);
  const option = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args.splice(i, 2)[1] : undefined;
  };
  // One profile to one named SVG.
  if (args[1]?.endsWith('.svg')) {
    const [input, output, title] = args as [string, string, string | undefined];
    print(renderProfile(input, title ?? basename(input), dirname(output), basename(output, '.svg')));
    return;
  }
  const caption = option('--caption') ?? 'profile';
  const out = option('--out') ?? FLAME_DIR;
  const files = args.flatMap((a) =>
    statSync(a).isDirectory()
      ? readdirSync(a)
          .filter((f) => f.endsWith('.cpuprofile'))
          .map((f) => join(a, f))
      : [a],
  );
  if (files.length === 0) {
    console.error(USAGE);
    process.exit(2);
  }
  for (const file of files) print(renderProfile(file, caption, out));
}

main();
