#!/usr/bin/env bash
# One command: install everything, then run the whole test suite (pytest arguments pass through;
# the suite runs on every core — pass -n 0 to run it in one process).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
.venv/bin/python -m pytest -n auto "$@"
