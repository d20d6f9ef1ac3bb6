#!/usr/bin/env bash
# Everything a fresh machine of this kind needs, idempotent: Debian packages, the project's Node.js,
# npm packages (npm ci), the Kafka jars, generated contracts. Downloads are cached in stable folders
# (~/.npm, ~/.m2, ~/go, ~/.cache/ivr-node).
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

# Debian packages the project runs for real, listed per area in infra/apt/*.txt.
mapfile -t APT_PACKAGES < <(cat infra/apt/*.txt | sed 's/#.*//' | xargs -n1 | sort -u)
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || die "apt-get install failed for: ${missing[*]}"
fi

# Node.js as pinned in .node-version (scripts/node.sh), first on PATH from here on: npm ci runs with
# it, so install scripts and native modules match the Node that runs the code.
scripts/node.sh install
use_project_node
[[ "$(node -v)" == "v${NODE_VERSION%%.*}".* ]] || die "node is $(node -v) ($(command -v node)), expected $NODE_VERSION"

# npm ci only when the lock or the Node.js version changed since the last install (saves a minute per run).
stamp="node_modules/.ivr-lock.sha256"
want="$(sha256sum package-lock.json | cut -d' ' -f1) node $(node -v)"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  log "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error || die "npm ci failed"
  echo "$want" > "$stamp"
fi

scripts/kafka.sh fetch
scripts/proto.sh generate
scripts/certs.sh
log "setup done"
