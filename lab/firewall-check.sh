#!/bin/bash
# ike-doctor host's firewall evaluation against the kernel: for each rule set in lab/firewall/
# (*.nft for nft -f, *.iptables for iptables-restore through iptables-nft, *.iptables-legacy for
# iptables-legacy-restore), two fresh namespaces
# (the lab's direct topology: client 10.99.2.3, gateway 10.99.2.2); the rule set goes on the
# gateway, real UDP 500, UDP 4500 and ESP packets go both ways, and counters in a table of the
# last priority (inbound, on the gateway) or on the client (outbound) say which the kernel let
# through. `ike-doctor host --peer 10.99.2.3` on the gateway must give the same verdict for every
# packet (those to the peer as the kernel sees them: answers to the peer's when those passed);
# "cannot evaluate" passes (as OPEN) only for a rule set whose file says
# `# ike-doctor: cannot evaluate`, and never where the verdict would differ.
#
#   lab/firewall-check.sh [--doctor PATH] [RULESET...]   (as root)
#
# Prints one line per rule set and "N passed, M failed"; exits 1 if any failed.
set -u

LAB_DIR=$(cd "$(dirname "$0")" && pwd)
REPO_DIR=$(cd "$LAB_DIR/.." && pwd)
DOCTOR=$REPO_DIR/target/debug/ike-doctor
SCENARIO=firewall
. "$LAB_DIR/lib/common.sh"

# Counters of what arrived, in a table whose chain runs after every other of the hook.
PROBE='table inet ikedoctor_probe {
    chain observe {
        type filter hook input priority 2147483647; policy accept;
        udp dport 500 counter
        udp dport 4500 counter
        meta l4proto esp counter
    }
}'

# send.py NS_SRC DST: one UDP 500, one UDP 4500 (each from the same port) and one ESP datagram.
SEND='
import socket, sys
dst = sys.argv[1]
# A rule dropping a packet on output makes sendto fail (EPERM): the next ones are still sent.
for port in (500, 4500):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("", port))
    try:
        s.sendto(b"\x00" * 28, (dst, port))
    except PermissionError:
        pass
    s.close()
e = socket.socket(socket.AF_INET, socket.SOCK_RAW, 50)
try:
    e.sendto(b"\x00\x00\x01\x00" + b"\x00\x00\x00\x01" + b"\x00" * 32, (dst, 0))
except PermissionError:
    pass
'

# counts NS: "udp500 udp4500 esp" packets the probe table counted.
counts() {
    nsx "$1" nft -j list table inet ikedoctor_probe | jq -r '
        [.nftables[] | .rule? | select(.) | .expr] as $rules
        | [$rules[] | (map(select(.counter)) | .[0].counter.packets)] | map(tostring) | join(" ")'
}

run_one() {
    local file=$1 name want got k i
    name=$(basename "$file")
    cleanup_stale
    TOPO=direct
    ns_create "$NS_C"
    ns_create "$NS_G"
    veth "$NS_C" eth0 10.99.2.3/24 "$NS_G" eth0 10.99.2.2/24
    ruleset_apply "$NS_G" "$file" || { log "$name: the rule set could not be applied"; teardown; return 1; }
    nsx "$NS_G" nft -f - <<<"$PROBE"
    nsx "$NS_C" nft -f - <<<"$PROBE"
    nsx "$NS_C" python3 -c "$SEND" 10.99.2.2
    nsx "$NS_G" python3 -c "$SEND" 10.99.2.3
    sleep 0.2
    local inbound outbound
    read -r -a inbound <<<"$(counts "$NS_G")"
    read -r -a outbound <<<"$(counts "$NS_C")"
    local report=$WORK/$name.json
    nsx "$NS_G" "$DOCTOR" host --peer 10.99.2.3 --no-esp-test --format json -o "$report" >/dev/null
    teardown
    # The kernel: a packet counted is accepted. ike-doctor: its verdict per packet.
    want=""
    for i in 0 1 2; do
        want+="$([ "${inbound[$i]:-0}" -gt 0 ] && echo accepted || echo dropped) "
    done
    for i in 0 1 2; do
        want+="$([ "${outbound[$i]:-0}" -gt 0 ] && echo accepted || echo dropped) "
    done
    # The packets to the peer go after the peer's: the kernel tracks them as answers (ct state
    # established) when the peer's of the same kind got through, so ike-doctor's verdict for
    # those is its `when_established` one where it differs.
    got=$(jq -r '[.firewall[]] as $f | [range(0; $f | length)]
        | map(. as $i | $f[$i]
              | if (.inbound | not) and $i >= 3 and $f[$i - 3].verdict == "accepted" and .when_established
                then .when_established.verdict else .verdict end)
        | join(" ")' "$report")
    want=${want% }
    if [ "$got" = "$want" ]; then
        printf 'PASS %-40s %s\n' "$name" "$want"
        return 0
    fi
    # A rule set marked so: "cannot evaluate" where the kernel decided is the honest answer
    # (never a verdict that differs from the kernel's).
    if grep -q '^# ike-doctor: cannot evaluate' "$file"; then
        local honest=yes w g
        read -r -a w <<<"$want"
        read -r -a g <<<"$got"
        for i in 0 1 2 3 4 5; do
            [ "${g[$i]}" = "${w[$i]}" ] || [ "${g[$i]}" = cannot-evaluate ] || honest=no
        done
        if [ $honest = yes ]; then
            printf 'OPEN %-40s kernel [%s], ike-doctor [%s]\n' "$name" "$want" "$got"
            return 0
        fi
    fi
    printf 'FAIL %-40s kernel [%s], ike-doctor [%s]\n' "$name" "$want" "$got"
    jq -c '.firewall[] | select(.verdict == "cannot-evaluate")' "$report" >&2
    return 1
}

main() {
    local files=() f passed=0 failed=0
    while [ $# -gt 0 ]; do
        case "$1" in
        --doctor) DOCTOR=$(realpath "$2"); shift 2 ;;
        -h|--help) sed -n '2,15p' "$0"; return 0 ;;
        *) files+=("$(realpath "$1")"); shift ;;
        esac
    done
    [ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)" >&2; return 2; }
    [ -x "$DOCTOR" ] || { echo "$DOCTOR is not built (cargo build)" >&2; return 2; }
    [ ${#files[@]} -gt 0 ] || mapfile -t files < <(ls "$LAB_DIR"/firewall/*.nft "$LAB_DIR"/firewall/*.iptables "$LAB_DIR"/firewall/*.iptables-legacy | sort)
    WORK=$(mktemp -d /tmp/ikelab-fw.XXXXXX)
    trap 'teardown; rm -rf "$WORK"' EXIT
    echo "packets: UDP 500, UDP 4500, ESP from the peer; the same to the peer"
    for f in "${files[@]}"; do
        if run_one "$f"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
    done
    echo "$passed passed, $failed failed"
    [ "$failed" = 0 ]
}

main "$@"
