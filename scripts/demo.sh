#!/usr/bin/env bash
# The main job: sets everything up, then opens JupyterLab on notebooks/audit.ipynb (the quickstart
# and the other notebooks beside it), which audits the demo dataset and shows what it found.
#   --headless   no browser: generates the demo into demo-data/demo2000, audits it from the command
#                line and writes the report demo-data/audit-report.html and the findings
#                demo-data/findings.json
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

if [ "${1:-}" = --headless ]; then
  node bin/blindspot.js demo --samples 2000 --out demo-data/demo2000
  node bin/blindspot.js audit demo-data/demo2000 --groups sequence --sensitive camera \
    --html demo-data/audit-report.html --json demo-data/findings.json
  echo "Report:   demo-data/audit-report.html (open it in a browser: it needs no network)"
  echo "Findings: demo-data/findings.json"
  exit 0
fi
root_flag=()
[ "$(id -u)" = 0 ] && root_flag=(--allow-root)
exec .venv/bin/jupyter lab "${root_flag[@]}" notebooks/audit.ipynb
