#!/usr/bin/env bash
# Runs every test of the project, in stages: install the Debian packages (scripts/deps.sh), check
# them (scripts/preflight.sh), formatting, lints, build, unit and integration tests (including the
# ones against tshark and real strongSwan and Libreswan peers), then the failure lab and the check
# that the fixes the reports give make the lab's configuration scenarios establish. Needs root
# for the lab and the package installs. Prints each stage's time as it ends and a table of all of
# them at the end (also when a stage fails); fails when the whole run exceeds its budget.
#
# Environment: IKE_TEST_BUDGET (seconds, default 3600) is the budget of the whole run.
set -uo pipefail
cd "$(dirname "$0")/.."
budget=${IKE_TEST_BUDGET:-3600}
run_start=$(date +%s)
timings=()

summary() {
  local total=$(($(date +%s) - run_start))
  printf '\nstage timings (s):\n'
  printf '  %-12s %6s\n' "${timings[@]}"
  printf '  %-12s %6s   (budget %s)\n' total "$total" "$budget"
}

stage() { # stage NAME COMMAND... : run one stage, record its time, stop at the first failure
  local name=$1 start rc
  shift
  printf '\n=== stage %s: %s\n' "$name" "$*"
  start=$(date +%s)
  "$@"
  rc=$?
  timings+=("$name" "$(($(date +%s) - start))")
  printf '=== stage %s: %s s, exit %s\n' "$name" "$(($(date +%s) - start))" "$rc"
  if [ "$rc" != 0 ]; then
    summary
    printf 'FAILED in stage %s\n' "$name" >&2
    exit "$rc"
  fi
}

stage install bash scripts/install-deps.sh
stage preflight bash scripts/preflight.sh
stage fmt cargo fmt --all -- --check
stage clippy cargo clippy --workspace --all-targets -- -D warnings
stage build cargo test --workspace --no-run
stage cargo-tests cargo test --workspace
stage lab bash lab/run.sh --quiet --check all
stage lab-fixes bash lab/fix-check.sh
# ike-doctor host's firewall verdicts against the kernel's, rule set by rule set (lab/firewall/).
stage firewall bash lab/firewall-check.sh
# Its reverse-path filtering and ICMP redirect verdicts against the kernel's, case by case.
stage forwarding bash lab/forwarding-check.sh
# ike-doctor watch on the gateway while the lab makes failures, scraped by a real Prometheus,
# its lines shipped by rsyslog; then a minute of line-rate replay and of a half-open SA flood.
stage watch bash lab/watch-check.sh
stage watch-soak bash -c 'cargo build -q -p ike-synth -p ike-doctor && DOCTOR=target/debug/ike-doctor SYNTH=target/debug/ike-synth bash bench/watch-soak.sh 60'
# config check against the real daemons: a fixed, stratified sample of lab/differential.py's pairs
# (the whole set is run before a release; its result is committed in lab/differential-results.md).
stage differential python3 lab/differential.py --sample 27 --doctor target/debug/ike-doctor
summary
total=$(($(date +%s) - run_start))
if [ "$total" -gt "$budget" ]; then
  printf 'FAILED: the run took %s s, over its budget of %s s\n' "$total" "$budget" >&2
  exit 1
fi
