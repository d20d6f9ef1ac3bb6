// Loads .var/env.json (written by scripts/env.sh: addresses of the local infrastructure) into
// process.env without overriding what is already set. Required by jest, benchmarks and the demo.
const fs = require('node:fs');
const path = require('node:path');
// A git worktree shares the main checkout's infrastructure with IVR_VAR_DIR (docs/conventions.md).
const file = path.join(process.env.IVR_VAR_DIR || path.join(__dirname, '..', '.var'), 'env.json');
if (fs.existsSync(file)) {
  const env = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const [k, v] of Object.entries(env)) if (process.env[k] === undefined) process.env[k] = String(v);
}
