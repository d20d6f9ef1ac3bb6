// Tests run against the infrastructure started by `make up-infra`; its addresses come from .var/env.json.
require('../scripts/load-env');
process.env.LOG_LEVEL ??= 'silent';
