#!/usr/bin/env bash
# Install everything salesbook needs on a fresh Debian/Ubuntu machine (or macOS without the apt part):
#   system: LibreOffice + python3-uno (an independent client: opens our files, runs the VBA callbacks),
#           poppler (PDF → PNG), CJK fonts
#   python: a virtualenv in .venv with salesbook and its test dependencies
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v soffice >/dev/null 2>&1 || need_apt+=(libreoffice-calc-nogui)
command -v pdftoppm >/dev/null 2>&1 || need_apt+=(poppler-utils)
[[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c "import uno" >/dev/null 2>&1 || need_apt+=(python3-uno)
fc-list 2>/dev/null | grep -qi "noto sans cjk" || need_apt+=(fonts-noto-cjk)
if ((${#need_apt[@]})); then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; [[ $(id -u) -ne 0 ]] && command -v sudo >/dev/null 2>&1 && SUDO="sudo"
    echo "== installing ${need_apt[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "== note: please install ${need_apt[*]} yourself (LibreOffice tests are skipped without it)"
  fi
fi

PY=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
  echo "== creating .venv"
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e ".[test]"
echo "== ready: $(.venv/bin/salesbook --version)"
