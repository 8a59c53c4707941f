#!/usr/bin/env bash
# Installs and builds everything a user needs, once, and again only for what changed:
#   1. the npm packages, the TypeScript build (the library and the `blindspot` command) and the
#      built-in embedding model;
#   2. a Python virtual environment (.venv) with JupyterLab and the reference tools;
#   3. the JupyterLab extension, built with npm and pip-installed into .venv;
#   4. the tslab kernel, registered in .venv with this project's Node.js and tslab.
# `SETUP_PARTS=node` stops after step 1 (enough for the command line).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

# onnxruntime-node's install script downloads GPU binaries; the CPU build ships in the package.
export ONNXRUNTIME_NODE_INSTALL="${ONNXRUNTIME_NODE_INSTALL:-skip}"

# Reruns a step only when one of its inputs is newer than its stamp file.
stale() { local stamp=$1; shift; [ ! -e "$stamp" ] || [ -n "$(find "$@" -newer "$stamp" -print -quit 2>/dev/null)" ]; }

# The Python environment downloads while the Node.js side installs and builds (it waits below).
python_env() {
  if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
  fi
  if stale .venv/.requirements-stamp requirements.txt; then
    .venv/bin/pip install --disable-pip-version-check -q -r requirements.txt
    # Evidently brings plotly, whose prebuilt JupyterLab extension fails to load without ipywidgets
    # (disabled, it still loads): removed, as nothing here draws plotly figures in JupyterLab.
    rm -rf .venv/share/jupyter/labextensions/jupyterlab-plotly
    touch .venv/.requirements-stamp
  fi
}
if [ "${SETUP_PARTS:-all}" != node ]; then
  python_env &
  python_setup=$!
fi

if stale node_modules/.package-lock.json package-lock.json; then
  npm ci --no-audit --no-fund
fi
# Notebooks beside the project `import ... from "blindspot"`: resolve that name to this folder.
ln -sfn .. node_modules/blindspot
# TypeScript into dist/, and the AssemblyScript kernels into dist/asm/.
npm run build --silent
# The built-in embedding model, converted into the models cache: embeddings then work offline.
node scripts/fetch-model.js
[ "${SETUP_PARTS:-all}" = node ] && exit 0

if stale extension/node_modules/.package-lock.json extension/package-lock.json; then
  (cd extension && npm ci --no-audit --no-fund)
fi
extension_stale=false
if stale .venv/.extension-stamp extension/src extension/style extension/package.json extension/pyproject.toml kernel/protocol.ts; then
  extension_stale=true
  (cd extension && npm run build)
fi
wait "$python_setup"
if $extension_stale; then
  .venv/bin/pip install --disable-pip-version-check -q --force-reinstall --no-deps ./extension
  touch .venv/.extension-stamp
fi

# The kernelspec names this Node.js and this tslab by absolute path, so the kernel runs the
# same versions whatever PATH the Jupyter server has.
kernel_dir=.venv/share/jupyter/kernels/tslab
node -e '
  const fs = require("fs");
  const [dir, root] = process.argv.slice(1);
  fs.mkdirSync(dir, { recursive: true });
  const spec = {
    argv: [process.execPath, root + "/node_modules/tslab/bin/tslab", "kernel", "--config-path", "{connection_file}"],
    display_name: "TypeScript (blindspot)",
    language: "typescript",
    interrupt_mode: "signal",
  };
  fs.writeFileSync(dir + "/kernel.json", JSON.stringify(spec, null, 2) + "\n");
' "$kernel_dir" "$root"
