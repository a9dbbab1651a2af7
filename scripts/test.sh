#!/usr/bin/env bash
# Set up (first time only) and run every check CI runs: lint, types, the whole test suite.
DRTWIN_EXTRAS=test
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
export QT_QPA_PLATFORM=offscreen
echo "== ruff"; .venv/bin/ruff check twin app tests bench
echo "== mypy twin"; .venv/bin/mypy
echo "== pytest"
# pytest exits 5 when it collects no test: with set -e that fails the run, as it should.
.venv/bin/python -m pytest "$@"
