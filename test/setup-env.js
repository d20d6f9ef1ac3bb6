// Tests run against the infrastructure started by `make up-infra`; scripts/env.sh writes its
// addresses to .var/env.json so that a test needs no exported variables.
const fs = require('node:fs');
const path = require('node:path');
const file = path.join(__dirname, '..', '.var', 'env.json');
if (fs.existsSync(file)) {
  const env = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const [k, v] of Object.entries(env)) if (process.env[k] === undefined) process.env[k] = String(v);
}
process.env.LOG_LEVEL ??= 'silent';
