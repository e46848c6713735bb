#!/bin/bash
# Watch mode against real failures: the lab makes each failure with real daemons in network
# namespaces while `ike-doctor watch` runs on the gateway's interface and log and a real
# Prometheus scrapes its metrics (lab/run.sh --watch), then lab/watch_check.py checks the
# JSON lines, their timing, the scraped counters and the evidence files; lab/watch-rsyslog.sh
# ships the lines through the rsyslog example of docs/watch.
#
#   lab/watch-check.sh [--doctor PATH] [SCENARIO...]   (as root)
set -u
LAB_DIR=$(cd "$(dirname "$0")" && pwd)
REPO_DIR=$(cd "$LAB_DIR/.." && pwd)
DOCTOR=$REPO_DIR/target/debug/ike-doctor
if [ "${1:-}" = --doctor ]; then DOCTOR=$(realpath "$2"); shift 2; fi
SCENARIOS=("$@")
[ ${#SCENARIOS[@]} -gt 0 ] || SCENARIOS=(udp-blocked psk-mismatch ike-proposal-mismatch
    nat-mapping-expired libreswan-psk-mismatch psk-ok)
OUT=$(mktemp -d /tmp/ike-watch-check.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
IKE_DOCTOR=$DOCTOR bash "$LAB_DIR/run.sh" --watch --quiet --out "$OUT" "${SCENARIOS[@]}" || exit 1
python3 "$LAB_DIR/watch_check.py" "$DOCTOR" "$OUT" "${SCENARIOS[@]}" || exit 1
# The lines shipped by rsyslog as docs/watch shows, intact.
cat "$OUT"/*/watch.jsonl >"$OUT/all-lines.jsonl"
bash "$LAB_DIR/watch-rsyslog.sh" "$OUT/all-lines.jsonl"
