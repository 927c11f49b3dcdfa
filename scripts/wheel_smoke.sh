#!/usr/bin/env bash
# What `pip install` gives a user: build the wheel, install it into a fresh virtualenv OUTSIDE the checkout,
# and use it there as a user would (new, demo, import, refresh, flag, clean, undo-clean, report) in both
# languages. Every workbook it writes must have the ribbon wired to VBA Subs and pass Microsoft's Open XML
# SDK validator (npm @ooxml-tools/validate) with zero errors. Run by .ci/run after the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=$(mktemp -d "${TMPDIR:-/tmp}/salesbook-wheel.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

echo "== validator (npm @ooxml-tools/validate)"
VALIDATOR_DIR=${SALESBOOK_VALIDATOR_DIR:-$HOME/.cache/salesbook-validator}
if [[ ! -x "$VALIDATOR_DIR/node_modules/.bin/ooxml-validate" ]]; then
  mkdir -p "$VALIDATOR_DIR"
  (cd "$VALIDATOR_DIR" && npm install --silent --no-audit --no-fund @ooxml-tools/validate >/dev/null)
fi
VALIDATOR="$VALIDATOR_DIR/node_modules/.bin/ooxml-validate"

quiet() {  # run quietly; show everything it said if it fails
  "$@" >"$WORK/log" 2>&1 || { cat "$WORK/log"; echo "failed: $*"; exit 1; }
}

echo "== wheel"
quiet .venv/bin/python -m pip wheel --no-deps -w "$WORK/dist" .
WHEEL=$(ls "$WORK"/dist/salesbook-*.whl)
unzip -l "$WHEEL" | grep -q "salesbook/templates/SalesTracker.zh.xlsm" || { echo "the wheel has no templates"; exit 1; }

echo "== fresh virtualenv with only the wheel (and its dependencies)"
python3 -m venv "$WORK/venv"
quiet "$WORK/venv/bin/python" -m pip install --upgrade pip
quiet "$WORK/venv/bin/python" -m pip install "$WHEEL"
! "$WORK/venv/bin/python" -c "import pyopenvba" 2>/dev/null || { echo "pyOpenVBA must not be a runtime need"; exit 1; }

cd "$WORK" && mkdir -p 用户 && cd 用户
SB="$WORK/venv/bin/salesbook"
files=()
for lang in zh en; do
  "$SB" new "空白-$lang.xlsm" --lang "$lang" >/dev/null
  cp "空白-$lang.xlsm" "new-$lang.xlsm"; files+=("new-$lang.xlsm")
  "$SB" demo "演示-$lang.xlsm" --lang "$lang" --customers 80 --orders 1200 >/dev/null
  cp "演示-$lang.xlsm" "demo-$lang.xlsm"; files+=("demo-$lang.xlsm")
  "$SB" refresh "演示-$lang.xlsm" --lang "$lang" >/dev/null;  cp "演示-$lang.xlsm" "refresh-$lang.xlsm"; files+=("refresh-$lang.xlsm")
  "$SB" flag "演示-$lang.xlsm" >/dev/null;                     cp "演示-$lang.xlsm" "flag-$lang.xlsm"; files+=("flag-$lang.xlsm")
  "$SB" clean "演示-$lang.xlsm" >/dev/null;                    cp "演示-$lang.xlsm" "clean-$lang.xlsm"; files+=("clean-$lang.xlsm")
  "$SB" undo-clean "演示-$lang.xlsm" >/dev/null;               cp "演示-$lang.xlsm" "undo-$lang.xlsm"; files+=("undo-$lang.xlsm")
  "$SB" report "演示-$lang.xlsm" --lang "$lang" >/dev/null;   cp "演示-$lang.xlsm" "report-$lang.xlsm"; files+=("report-$lang.xlsm")
done
"$SB" refresh "演示-zh.xlsm" --lang en >/dev/null; cp "演示-zh.xlsm" "switch-en.xlsm"; files+=("switch-en.xlsm")  # renamed sheets
echo "== checking ${#files[@]} workbooks: ribbon wired, 0 validator errors"
"$ROOT/.venv/bin/python" "$ROOT/scripts/check_shipped.py" --validator "$VALIDATOR" "${files[@]}"
echo "== wheel smoke: ok"
