#!/bin/bash
# CI entry point of the failure lab (as root): install the Debian packages (scripts/deps.sh),
# check them (scripts/preflight.sh),
# run every scenario, verify each from the daemons' own logs and the captures, and compare
# the result with the committed fixtures (tests/fixtures/lab). Exits non-zero when any
# scenario did not reproduce or drifted from its fixture; the last line is "N passed, M failed".
set -u
LAB_DIR=$(cd "$(dirname "$0")" && pwd)

if [ "$(id -u)" != 0 ]; then
    echo "lab/ci.sh needs root (network namespaces, nftables, daemons)" >&2
    echo "0 passed, 1 failed"
    exit 1
fi

echo "lab: installing packages (scripts/install-deps.sh)"
if ! bash "$LAB_DIR/../scripts/install-deps.sh" >/tmp/ikelab-apt.log 2>&1; then
    tail -n 30 /tmp/ikelab-apt.log
    echo "lab: package installation failed"
    echo "0 passed, 1 failed"
    exit 1
fi
if ! bash "$LAB_DIR/../scripts/preflight.sh"; then
    echo "lab: preflight failed"
    echo "0 passed, 1 failed"
    exit 1
fi

exec "$LAB_DIR/run.sh" --quiet --check all
