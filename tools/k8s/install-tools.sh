#!/usr/bin/env bash
# Installs the pinned tools of the chart checks, cached in stable folders so a second run is instant:
#   helm      built from the Go module proxy (no binary downloads here), ~/.cache/ivr-k8s/helm-<version>/helm
#   kubernetes-validate, checkov   from PyPI into ~/.cache/ivr-k8s/venv-<hash of the pins>
# Prints nothing but errors; `tools/k8s/install-tools.sh --print-env` prints HELM=... and VENV=...
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
HELM_VERSION="v3.22.0"
CACHE="${IVR_K8S_CACHE:-$HOME/.cache/ivr-k8s}"
HELM_DIR="$CACHE/helm-$HELM_VERSION"
HELM="$HELM_DIR/helm"
PIN_HASH="$(cat "$HERE"/requirements.txt "$HERE"/constraints*.txt 2>/dev/null | sha256sum | cut -c1-12)"
VENV="$CACHE/venv-$PIN_HASH"
log() { printf '[install-tools] %s\n' "$*" >&2; }

mkdir -p "$CACHE"
if [[ ! -x "$HELM" ]]; then
  command -v go >/dev/null || { log "error: go is needed to build helm"; exit 1; }
  log "building helm $HELM_VERSION from the Go module proxy (a few minutes, once)"
  mkdir -p "$HELM_DIR.tmp"
  GOBIN="$HELM_DIR.tmp" CGO_ENABLED=0 go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
  rm -rf "$HELM_DIR" && mv "$HELM_DIR.tmp" "$HELM_DIR"
fi

# A venv hard-codes its own path, so it is built in place; .complete marks a finished install.
if [[ ! -f "$VENV/.complete" ]]; then
  log "installing kubernetes-validate and checkov into $VENV (once)"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  constraints=()
  [[ -f "$HERE/constraints.txt" ]] && constraints=(-c "$HERE/constraints.txt")
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$HERE/requirements.txt" "${constraints[@]}"
  touch "$VENV/.complete"
fi

if [[ "${1:-}" == "--print-env" ]]; then
  echo "HELM=$HELM"
  echo "VENV=$VENV"
fi
