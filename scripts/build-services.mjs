// Bundles each service's TypeScript (and the workspace packages it uses) into services/<name>/dist/main.js
// with esbuild. Third-party packages stay external and come from node_modules at run time.

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const only = process.argv.slice(2);
const services = readdirSync(join(root, 'services')).filter((s) =>
  existsSync(join(root, 'services', s, 'src/main.ts')),
);

for (const name of services.filter((s) => only.length === 0 || only.includes(s))) {
  const dir = join(root, 'services', name);
  await build({
    entryPoints: [join(dir, 'src/main.ts')],
    outfile: join(dir, 'dist/main.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    logLevel: 'warning',
    // Bundle our own @ivr/* code; everything else is a normal runtime dependency.
    plugins: [
      {
        name: 'externals',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.startsWith('@ivr/') ? undefined : { path: args.path, external: true },
          );
        },
      },
    ],
  });
  console.log(`built services/${name}/dist/main.js`);
}
