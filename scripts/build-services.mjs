// Bundles each service's TypeScript (and the workspace packages it uses) into services/<name>/dist/main.js
// with esbuild. Third-party packages stay external and come from node_modules at run time.

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const only = process.argv.slice(2);
// Services and the dev tools that run as processes (the PSP simulator).
const units = ['services', 'tools'].flatMap((parent) =>
  readdirSync(join(root, parent))
    .filter((name) => existsSync(join(root, parent, name, 'src/main.ts')))
    .map((name) => ({
      name,
      dir: join(root, parent, name),
      label: `${parent}/${name}`,
      service: parent === 'services',
    })),
);

// Bundle our own @ivr/* code; everything else is a normal runtime dependency.
const externals = {
  name: 'externals',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@ivr/') ? undefined : { path: args.path, external: true },
    );
  },
};
const common = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
};

for (const { name, dir, label, service } of units.filter((u) => only.length === 0 || only.includes(u.name))) {
  await build({
    ...common,
    entryPoints: [join(dir, 'src/main.ts')],
    outfile: join(dir, 'dist/main.js'),
    plugins: [externals],
  });
  if (!service) {
    console.log(`built ${label}/dist/main.js`);
    continue;
  }
  // Telemetry set up before the service's code loads: `node --require ./dist/telemetry.js dist/main.js`
  // (scripts/services.sh, the Dockerfile, the e2e tests), as the OpenTelemetry demo does.
  await build({
    ...common,
    stdin: {
      contents: `import { preloadTelemetry } from '@ivr/telemetry';\npreloadTelemetry(${JSON.stringify(name)});\n`,
      resolveDir: dir,
      sourcefile: 'telemetry-preload.ts',
      loader: 'ts',
    },
    outfile: join(dir, 'dist/telemetry.js'),
    plugins: [externals],
  });
  console.log(`built ${label}/dist/main.js and dist/telemetry.js`);
}

// A service with a browser front end (services/<name>/console, e.g. order-link's operator console)
// gets it built by Vite into services/<name>/console/dist, which the service serves as static assets.
for (const { dir, label } of units.filter((u) => only.length === 0 || only.includes(u.name))) {
  const config = join(dir, 'console', 'vite.config.ts');
  if (!existsSync(config)) continue;
  const { build: viteBuild } = await import('vite');
  await viteBuild({ configFile: config, logLevel: 'warn' });
  console.log(`built ${label}/console/dist`);
}
