#!/usr/bin/env bash
# Lint and generate the gRPC contracts (buf + ts-proto, both from node_modules: works offline).
# Usage: scripts/proto.sh [generate|lint|breaking]
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
BUF="$ROOT/node_modules/.bin/buf"
[[ -x "$BUF" ]] || die "buf is missing: run make setup"
case "${1:-generate}" in
  lint) "$BUF" lint ;;
  generate)
    "$BUF" lint
    rm -rf packages/contracts/src/gen
    "$BUF" generate
    ;;
  breaking)
    # Compare with the previous commit that had contracts; on a first commit there is nothing to break.
    if git rev-parse -q --verify HEAD~1 >/dev/null && git cat-file -e HEAD~1:buf.yaml 2>/dev/null; then
      "$BUF" breaking --against ".git#ref=HEAD~1"
    else
      log "no earlier contracts to compare with"
    fi
    ;;
  *) die "usage: $0 generate|lint|breaking" ;;
esac
