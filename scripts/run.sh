#!/usr/bin/env bash
# Set up (first time only) and start DR Twin on the bundled default scenario.
# Extra arguments go to drtwin, e.g. scripts/run.sh run scenarios/planned-failover-drill.yaml
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
case "${1:-gui}" in
  run|check|-h|--help) ;;  # headless: no window, no display needed
  *) case " $* " in *" --screenshot "*) ;; *)
       source "$ROOT/scripts/qt-system-libs.sh"; qt_system_libs ;; esac ;;
esac
exec .venv/bin/drtwin "$@"
