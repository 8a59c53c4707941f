#!/usr/bin/env bash
# Installs the project's dependencies (once, or again when package-lock.json changed) and builds it.
set -euo pipefail
cd "$(dirname "$0")/.."

# onnxruntime-node's install script downloads GPU binaries; the CPU build ships in the package.
export ONNXRUNTIME_NODE_INSTALL="${ONNXRUNTIME_NODE_INSTALL:-skip}"

stamp=node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  npm ci --no-audit --no-fund
fi
npx tsc -p tsconfig.json
