#!/usr/bin/env bash
# One command: install everything, build the workbook, fill it with sample data, refresh it, print where it is.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
mkdir -p out
.venv/bin/salesbook demo out/SalesTracker-demo.xlsm "$@"
echo "Open out/SalesTracker-demo.xlsm — the template itself is workbook/SalesTracker.xlsm"
