# Sourced by scripts/run.sh and scripts/test.sh: make .venv with everything DR Twin needs.
# Safe to run again; quick when nothing changed (a stamp of pyproject.toml's hash).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY=""
for cand in python3.13 python3.12 python3.11 python3; do
  if command -v "$cand" >/dev/null 2>&1 &&
     "$cand" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
    PY="$cand"; break
  fi
done
if [ -z "$PY" ]; then
  echo "DR Twin needs Python 3.11 or newer: install it, then run this again." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv with $($PY --version)…"
  "$PY" -m venv .venv
fi
STAMP=".venv/.drtwin-installed"
WANT="$( (cat pyproject.toml; echo "extras=${DRTWIN_EXTRAS:-}") | sha256sum | cut -d' ' -f1)"
HAVE="$(cat "$STAMP" 2>/dev/null || true)"
if [ "$WANT" != "$HAVE" ]; then
  echo "Installing DR Twin and its dependencies into .venv…"
  .venv/bin/python -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true
  .venv/bin/python -m pip install --quiet -e ".${DRTWIN_EXTRAS:+[$DRTWIN_EXTRAS]}"
  echo "$WANT" > "$STAMP"
fi
