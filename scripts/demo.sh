#!/usr/bin/env bash
# Sets up the project, generates the built-in demo dataset and prints its summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node bin/blindspot.js demo --samples "${BLINDSPOT_DEMO_SAMPLES:-2000}" --out demo-data/demo
