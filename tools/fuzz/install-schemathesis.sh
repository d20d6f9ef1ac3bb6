#!/usr/bin/env bash
# Installs schemathesis (pinned in requirements.txt, every transitive dependency in constraints.txt)
# into ~/.cache/ivr-fuzz/venv-<hash of the pins>, once; a second run is instant.
# Prints nothing but errors; `--print-env` prints VENV=...
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
CACHE="${IVR_FUZZ_CACHE:-$HOME/.cache/ivr-fuzz}"
PIN_HASH="$(cat "$HERE"/requirements.txt "$HERE"/constraints.txt | sha256sum | cut -c1-12)"
VENV="$CACHE/venv-$PIN_HASH"

# A venv hard-codes its own path, so it is built in place; .complete marks a finished install.
if [[ ! -f "$VENV/.complete" ]]; then
  printf '[install-schemathesis] installing into %s (once)\n' "$VENV" >&2
  mkdir -p "$CACHE"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$HERE/requirements.txt" -c "$HERE/constraints.txt"
  touch "$VENV/.complete"
fi
[[ "${1:-}" == "--print-env" ]] && echo "VENV=$VENV"
exit 0
