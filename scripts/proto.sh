#!/usr/bin/env bash
# Lint and generate the gRPC contracts (buf + ts-proto, both from node_modules: works offline).
# Usage: scripts/proto.sh [generate|lint|breaking [REF]]
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
    # Compare with REF (default: the previous commit); where it has no contracts there is nothing to break.
    # Two checks (docs/decisions/0008-contract-changes.md): the wire and JSON encodings never break
    # (WIRE_JSON, no exceptions), and neither does the generated code (FILE, buf.yaml) but for the
    # source-only breaks that buf.yaml's ignore_only accepts for one change.
    against="${2:-HEAD~1}"
    if git rev-parse -q --verify "$against" >/dev/null && git cat-file -e "$against:buf.yaml" 2>/dev/null; then
      wire='{"version":"v2","modules":[{"path":"proto"}],"breaking":{"use":["WIRE_JSON"]}}'
      "$BUF" breaking --against ".git#ref=$against" --config "$wire" --against-config "$wire" ||
        die "the change breaks the wire or JSON encoding of a contract: add a new field or a new package version instead"
      "$BUF" breaking --against ".git#ref=$against"
    else
      log "no earlier contracts to compare with"
    fi
    ;;
  *) die "usage: $0 generate|lint|breaking [REF]" ;;
esac
