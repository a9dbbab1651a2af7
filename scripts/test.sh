#!/usr/bin/env bash
# Set up (first time only) and run every check CI runs: lint, types, the whole test suite,
# the slow tests included (a plain `pytest` skips them: pyproject.toml's addopts).
DRTWIN_EXTRAS=test
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
export QT_QPA_PLATFORM=offscreen
echo "== ruff"; .venv/bin/ruff check twin app tests bench
echo "== mypy twin app"; .venv/bin/mypy
echo "== pytest (slow tests included)"
# pytest exits 5 when it collects no test: with set -e that fails the run, as it should.
# The last -m wins: this one overrides the default "not slow"; an -m in "$@" overrides it.
.venv/bin/python -m pytest -m "slow or not slow" "$@"
