#!/bin/bash
# Proves the configuration fixes ike-doctor gives: for each strongSwan lab scenario whose cause is
# in the configuration, diagnose its committed fixture (everything the scenario left behind),
# take the first configuration line of the verdict's finding, apply it to the peer it names and
# run the scenario again: it must establish (both daemons' logs show the CHILD_SA, the client's
# no refusal). Needs root (the lab). Prints PASS/FAIL per scenario, ends with "N passed, M failed".
#
#   lab/fix-check.sh [SCENARIO...]     (default: every scenario below)
#
# Scenarios not here: certificate ones (the fix is a new certificate, not a line), the path, NAT,
# MTU, clock and kernel ones (not configuration), the Libreswan ones (Libreswan lines are given,
# this check applies swanctl.conf only).
set -u
LAB_DIR=$(cd "$(dirname "$0")" && pwd)
REPO_DIR=$(cd "$LAB_DIR/.." && pwd)
CONFIG_CAUSED=(
    ike-proposal-mismatch dh-group-mismatch esp-proposal-mismatch pfs-rekey-mismatch
    pfs-rekey-mismatch-gateway
    ts-unacceptable psk-mismatch identity-mismatch cert-identity-unknown eap-wrong-password
    eap-method-mismatch
    ikev1-only-gateway no-virtual-ip
    ikev1-proposal-mismatch ikev1-dh-group-mismatch ikev1-esp-proposal-mismatch
    ikev1-ts-unacceptable ikev1-psk-mismatch ikev1-identity-mismatch
    ikev1-gateway-identity-mismatch gateway-identity-mismatch
)
[ $# -gt 0 ] && CONFIG_CAUSED=("$@")
cargo build -q --manifest-path "$REPO_DIR/Cargo.toml" -p ike-doctor || exit 2
BIN=$REPO_DIR/target/debug/ike-doctor
OUT=$(mktemp -d /tmp/ike-fix-check.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
passed=0 failed=0
for s in "${CONFIG_CAUSED[@]}"; do
    change=$("$BIN" diagnose --format json "$REPO_DIR/tests/fixtures/lab/$s" \
        | jq -c '[.findings[0].changes[] | select(.syntax == "swanctl.conf")][0] // empty')
    if [ -z "$change" ]; then
        echo "FAIL $s: the report gives no swanctl.conf line"
        failed=$((failed + 1))
        continue
    fi
    peer=$(jq -r .peer <<<"$change")
    section=$(jq -r .section <<<"$change")
    line=$(jq -r .line <<<"$change")
    if FIX_PEER=$peer FIX_SECTION=$section FIX_LINE=$line \
        "$LAB_DIR/run.sh" --quiet --establish --out "$OUT" "$s" >"$OUT/$s.out" 2>&1; then
        echo "PASS $s: on the $peer, $section: $line"
        passed=$((passed + 1))
    else
        echo "FAIL $s: on the $peer, $section: $line"
        sed 's/^/    /' "$OUT/$s.out" | tail -n 15
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
