#!/usr/bin/env bash
# Set up (first time only) and start DR Twin on the bundled default scenario.
# Extra arguments go to drtwin, e.g. scripts/run.sh run scenarios/planned-failover.yaml
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
exec .venv/bin/drtwin "$@"
