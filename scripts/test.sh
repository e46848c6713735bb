#!/usr/bin/env bash
# Runs every test of the project: formatting, lints, unit and integration tests (including the
# ones against tshark and real strongSwan peers), then the failure lab. Needs root for the lab
# and the package installs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo test --workspace
if [ -x lab/ci.sh ] || [ -f lab/ci.sh ]; then
  bash lab/ci.sh
fi
