#!/usr/bin/env bash
# The main job: sets everything up, then opens JupyterLab on notebooks/quickstart.ipynb, which
# generates the demo dataset and shows it.
#   --headless   execute the notebook instead of serving it, and write the executed notebook and
#                its HTML export to demo-data/ (for machines without a browser)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

jupyter=.venv/bin/jupyter
if [ "${1:-}" = --headless ]; then
  mkdir -p demo-data
  # The kernel runs in notebooks/, so the demo images and blindspot-artifacts/ land there; the
  # executed notebook and its HTML export go to demo-data/ at the root.
  "$jupyter" nbconvert --config scripts/nbconvert_config.py --to notebook --execute --ExecutePreprocessor.timeout=1200 \
    notebooks/quickstart.ipynb --output "$PWD/demo-data/quickstart.ipynb"
  "$jupyter" nbconvert --to html demo-data/quickstart.ipynb --output quickstart.html
  echo "Executed notebook: demo-data/quickstart.ipynb"
  echo "HTML export:       demo-data/quickstart.html"
  exit 0
fi
root_flag=()
[ "$(id -u)" = 0 ] && root_flag=(--allow-root)
exec "$jupyter" lab "${root_flag[@]}" notebooks/quickstart.ipynb
