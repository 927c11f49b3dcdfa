#!/usr/bin/env bash
# One command: install everything, then run every test — the quick suite, then the slow cases (LibreOffice
# rendering, processes killed mid-save, long random button sequences). CI runs both.
#   bash scripts/test.sh           everything
#   bash scripts/test.sh --fast    the quick suite only (under 4 minutes on 2 cores)
# Other arguments pass through to pytest; the suite runs on every core (-n 0: one process).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
if [ "${1:-}" = "--fast" ]; then
    shift
    exec .venv/bin/python -m pytest -n auto -m "not slow" "$@"
fi
.venv/bin/python -m pytest -n auto -m "not slow" "$@"
.venv/bin/python -m pytest -n auto -m slow "$@"
