#!/usr/bin/env bash
# Makes bench/.venv-fastdup with the pinned fastdup once (it runs offline afterwards).
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=bench/.venv-fastdup
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import fastdup" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q -r bench/fastdup/requirements.txt
fi
