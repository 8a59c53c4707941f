#!/usr/bin/env bash
# Sets up the project and runs every test suite; ends with a "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The browser tests drive Debian's Chromium (browser downloads do not work offline).
if [ ! -x /usr/bin/chromium ] && [ -z "${CHROMIUM_PATH:-}" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Chromium is needed for the browser tests: sudo apt-get install -y chromium (or set CHROMIUM_PATH)" >&2
  fi
fi
# The layering rules (src knows no Jupyter; the extension shares only the protocol), the
# formatting and the tests' types (vitest itself only strips types) are checked while the tests
# run; a failure fails the run, after the tests have still run and reported.
mkdir -p test/.tmp
checks_log=test/.tmp/checks.log
(
  failed=0
  npm run --silent check:deps || { echo "failed: npm run check:deps"; failed=1; }
  npm run --silent format:check || { echo "failed: npm run format:check (npm run format fixes it)"; failed=1; }
  npx tsc -p tsconfig.test.json || { echo "failed: npx tsc -p tsconfig.test.json"; failed=1; }
  exit $failed
) > "$checks_log" 2>&1 &
checks=$!

results=test/.tmp/vitest-results.json
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$results" || status=$?
node -e '
  const r = require(process.argv[1]);
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
' "$PWD/$results"
if ! wait "$checks"; then
  cat "$checks_log" >&2
  status=1
fi
exit $status
