#!/usr/bin/env bash
# The project's Node.js: the version in .node-version (the one the images run), from the npm registry's
# official binaries (package node-linux-<arch>, checked against the integrity pinned below), unpacked
# under ~/.cache/ivr-node/<version> when the machine's Node is older or another major. scripts/lib.sh
# and the Makefile put its bin/ first on PATH, so npm ci, jest, tsx, builds and services all run with it.
# Usage: scripts/node.sh install | bin | version
source "$(dirname "$0")/lib.sh"

declare -A INTEGRITY=(
  [x64]=sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==
  [arm64]=sha512-IZx0J52/1NDwAsY2iyWR9nlPIYuYviTWetjj8+ElvYQh2+XRhLfCfkbFEF/2O5vGI2hcUbyPNHV+nz342FbJXw==
)

# The machine's Node will do when it has the pinned major and is not older than the pinned version.
machine_node_ok() {
  local have; have="$(node -p process.versions.node 2>/dev/null)" || return 1
  [[ "${have%%.*}" == "${NODE_VERSION%%.*}" ]] && [[ "$(printf '%s\n%s\n' "$NODE_VERSION" "$have" | sort -V | head -1)" == "$NODE_VERSION" ]]
}

install_node() {
  if [[ -x "$NODE_HOME/bin/node" ]]; then return 0; fi
  if machine_node_ok; then log "using the machine's Node $(node -v) (pinned: $NODE_VERSION)"; return 0; fi
  local arch
  case "$(uname -m)" in x86_64) arch=x64 ;; aarch64 | arm64) arch=arm64 ;; *) die "no pinned Node.js for $(uname -m)" ;; esac
  [[ "$(uname -s)" == Linux ]] || die "scripts/node.sh installs Linux binaries only; install Node $NODE_VERSION yourself"
  log "installing Node.js $NODE_VERSION (npm package node-linux-$arch) into $NODE_HOME"
  mkdir -p "$(dirname "$NODE_HOME")"
  tmp="$(mktemp -d "$NODE_HOME.tmp.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack "node-linux-$arch@$NODE_VERSION" --silent --loglevel=error >/dev/null) || die "npm pack node-linux-$arch@$NODE_VERSION failed"
  local tgz="$tmp/node-linux-$arch-$NODE_VERSION.tgz" got
  got="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
  [[ "$got" == "${INTEGRITY[$arch]}" ]] || die "node-linux-$arch@$NODE_VERSION: integrity $got, expected ${INTEGRITY[$arch]}"
  mkdir "$tmp/node" && tar -xzf "$tgz" -C "$tmp/node" --strip-components=1 --no-same-owner
  [[ "$("$tmp/node/bin/node" -v)" == "v$NODE_VERSION" ]] || die "the unpacked node does not say v$NODE_VERSION"
  # Another setup may have finished first: theirs is the same bytes.
  mv -T "$tmp/node" "$NODE_HOME" 2>/dev/null || [[ -x "$NODE_HOME/bin/node" ]] || die "could not move Node into $NODE_HOME"
}

case "${1:-}" in
  install) install_node ;;
  bin) echo "$NODE_HOME/bin" ;;
  version) echo "$NODE_VERSION" ;;
  *) die "usage: $0 install|bin|version" ;;
esac
