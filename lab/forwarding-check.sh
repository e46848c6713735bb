#!/bin/bash
# ike-doctor host's checks of how a gateway forwards tunnel traffic, against the kernel.
#
# Reverse-path filtering (`strict-rp-filter`): for each case of RP_CASES, two
# fresh namespaces (the lab's direct topology: client 10.99.2.3, gateway 10.99.2.2, the
# gateway's LAN 10.1.0.0/24 on eth1, toward a LAN router 10.1.0.254) and a site-to-site connection in the gateway's
# swanctl.conf (10.1.0.0/24 - 10.2.0.0/24, peer 10.99.2.3). The client sends a packet from
# 10.2.0.1 to 10.1.0.2 in clear: exactly what the gateway's kernel XFRM re-injects on eth0 after
# decapsulating ESP (this kernel cannot decapsulate ESP itself), so reverse-path filtering
# treats both alike. A counter in the gateway's forward hook says whether the kernel let it
# through; `ike-doctor host` in the gateway's namespace (its /etc/swanctl bound over the host's)
# must report `strict-rp-filter` exactly when the kernel dropped it.
#
# ICMP redirects (`sends-redirects`): for each case of REDIRECT_CASES, a gateway whose LAN
# shares its interface with the peer (one-armed: the LAN is 10.99.2.0/24 on eth0, the peer
# 10.99.2.1 on the same link) or not (the LAN on eth1); a LAN host sends a packet for the remote
# network through the gateway, and the LAN host's counter of ICMP redirects says whether the
# kernel told it to go around the gateway (around the tunnel, with the kernel's XFRM). `ike-doctor
# host` must warn `sends-redirects` exactly when the kernel sent one.
#
# Filter chains on forwarded tunnel traffic (`firewall-drops-tunnel-traffic`): for each rule set
# of lab/forward/ on the gateway, a ping, a TCP SYN to 443 and a UDP datagram to 53 from the
# remote network's first host (10.2.0.1, as decapsulated) to the LAN host 10.1.0.2, then the same
# back; counters on the receivers say which the kernel forwarded, and ike-doctor host's verdict
# for each (its `forward` list) must be the same.
#
# Source NAT of tunnel traffic (`nat-catches-tunnel-traffic`): for each rule set of lab/nat/, a
# UDP datagram from the LAN host to the remote network; the peer's counters say whether it
# arrived with its source rewritten, and ike-doctor host's `nat` verdict must say the same
# (`cannot-evaluate` only for a rule set marked `# ike-doctor: cannot evaluate`).
#
#   lab/forwarding-check.sh [--doctor PATH]   (as root)
#
# Prints one line per case and "N passed, M failed"; exits 1 if any failed.
set -u

LAB_DIR=$(cd "$(dirname "$0")" && pwd)
REPO_DIR=$(cd "$LAB_DIR/.." && pwd)
DOCTOR=$REPO_DIR/target/debug/ike-doctor
SCENARIO=forwarding
. "$LAB_DIR/lib/common.sh"

# name | eth0's rp_filter | all's rp_filter | the route to 10.2.0.0/24 | a default route
RP_CASES='
strict-route-via-lan      | 1 | 0 | eth1 | none
loose-route-via-lan       | 2 | 0 | eth1 | none
strict-route-via-peer     | 1 | 0 | eth0 | none
all-strict-route-via-lan  | 0 | 1 | eth1 | none
loose-no-route            | 2 | 0 | none | none
off-route-via-lan         | 0 | 0 | eth1 | none
strict-default-via-peer   | 1 | 0 | none | eth0
strict-default-via-lan    | 1 | 0 | none | eth1
'

COUNTER='table inet ikedoctor_probe {
    chain seen {
        type filter hook forward priority 2147483647; policy accept;
        ip saddr 10.2.0.1 counter
    }
}'

SWANCTL='connections {
    site {
        remote_addrs = 10.99.2.3
        children {
            lan {
                local_ts = 10.1.0.0/24
                remote_ts = 10.2.0.0/24
            }
        }
    }
}'

# host_report NAME SWANCTL_CONF REPORT: `ike-doctor host` in the gateway's namespace, seeing the
# given swanctl.conf as its /etc/swanctl (bound over the host's in a private mount namespace).
host_report() {
    local conf=$WORK/$1-swanctl
    mkdir -p "$conf" && printf '%s\n' "$2" >"$conf/swanctl.conf"
    nsx "$NS_G" unshare -m --propagation private sh -c \
        'mount --bind "$1" /etc/swanctl && exec "$2" host --no-esp-test --format json -o "$3"' \
        sh "$conf" "$DOCTOR" "$3" >/dev/null
}

# name | one-armed (the LAN on the peer's link) or two-armed | send_redirects (all and eth0)
REDIRECT_CASES='
one-armed-redirects-on     | one | 1
one-armed-redirects-off    | one | 0
two-armed-redirects-on     | two | 1
'

redirect_one() {
    local name=$1 arms=$2 redirects=$3 lan_ns lan_if sent kernel reported conf report=$WORK/$1.json
    cleanup_stale
    ns_create "$NS_C"
    ns_create "$NS_G"
    veth "$NS_C" eth0 10.99.2.3/24 "$NS_G" eth0 10.99.2.2/24
    nsx "$NS_G" sysctl -qw net.ipv4.ip_forward=1 \
        "net.ipv4.conf.all.send_redirects=$redirects" "net.ipv4.conf.eth0.send_redirects=$redirects"
    # The peer's gateway 10.99.2.1 on eth0's link (never answering: the decision to redirect
    # is taken before the packet would leave).
    nsx "$NS_G" ip route add 10.2.0.0/24 via 10.99.2.1 dev eth0
    if [ "$arms" = one ]; then
        lan_ns=$NS_C lan_if=eth0 local_ts=10.99.2.0/24
        nsx "$NS_C" ip route add 10.2.0.0/24 via 10.99.2.2
    else
        ns_create "$NS_R"
        veth "$NS_G" eth1 10.1.0.1/24 "$NS_R" eth0 10.1.0.2/24
        nsx "$NS_G" sysctl -qw "net.ipv4.conf.eth1.send_redirects=$redirects"
        lan_ns=$NS_R lan_if=eth0 local_ts=10.1.0.0/24
        nsx "$NS_R" ip route add 10.2.0.0/24 via 10.1.0.1
    fi
    nsx "$lan_ns" nft -f - <<'NFT'
table inet ikedoctor_probe {
    chain seen {
        type filter hook input priority 2147483647; policy accept;
        icmp type redirect counter
    }
}
NFT
    nsx "$lan_ns" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b"for the tunnel", ("10.2.0.1", 9))
'
    sleep 0.3
    sent=$(nsx "$lan_ns" nft -j list table inet ikedoctor_probe \
        | jq '[.nftables[] | .rule? | select(.) | .expr[] | .counter? | select(.) | .packets] | add // 0')
    kernel=$([ "$sent" -gt 0 ] && echo redirected || echo not-redirected)
    host_report "$name" "connections {
    site {
        remote_addrs = 10.99.2.1
        children {
            lan {
                local_ts = $local_ts
                remote_ts = 10.2.0.0/24
            }
        }
    }
}" "$report"
    teardown
    reported=$(jq -r 'if ([.verdict.warnings[].check] | index("sends-redirects")) then "redirected" else "not-redirected" end' "$report")
    if [ "$kernel" = "$reported" ]; then
        printf 'PASS %-26s %s-armed, send_redirects=%s: %s\n' "$name" "$arms" "$redirects" "$kernel"
        return 0
    fi
    printf 'FAIL %-26s kernel %s, ike-doctor %s\n' "$name" "$kernel" "$reported"
    jq -c '.facts.reverse_paths' "$report" >&2
    return 1
}

# The probes, sent from SRC to DST: an ICMP echo request, a TCP SYN to 443, a UDP datagram to 53.
PROBES='
import socket, struct, sys
src, dst = sys.argv[1], sys.argv[2]
def checksum(data):
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    total = (total >> 16) + (total & 0xFFFF)
    return ~(total + (total >> 16)) & 0xFFFF
icmp = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
icmp.bind((src, 0))
header = struct.pack("!BBHHH", 8, 0, 0, 0x1d0c, 1) + b"probe---"
icmp.sendto(header[:2] + struct.pack("!H", checksum(header)) + header[4:], (dst, 0))
tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
tcp.bind((src, 0))
tcp.setblocking(False)
try:
    tcp.connect((dst, 443))
except (BlockingIOError, OSError):
    pass
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.bind((src, 0))
udp.sendto(b"probe", (dst, 53))
'

# counted NS: "ping tcp443 udp53", how many of each the receiver's counters saw.
counted() {
    nsx "$1" nft -j list table inet ikedoctor_probe | jq -r '
        [.nftables[] | .rule? | select(.) | .expr] as $rules
        | [$rules[] | (map(select(.counter)) | .[0].counter.packets | tostring)] | join(" ")'
}

receiver_counters() {   # receiver_counters NS SRC
    nsx "$1" nft -f - <<NFT
table inet ikedoctor_probe {
    chain seen {
        type filter hook input priority 2147483647; policy accept;
        ip saddr $2 icmp type echo-request counter
        ip saddr $2 tcp dport 443 counter
        ip saddr $2 udp dport 53 counter
    }
}
NFT
}

forward_one() {
    local file=$1 name want got report inbound outbound i
    name=$(basename "$file")
    report=$WORK/$name.json
    site_up "$file" || return 1
    receiver_counters "$NS_R" 10.2.0.1
    receiver_counters "$NS_C" 10.1.0.2
    nsx "$NS_C" python3 -c "$PROBES" 10.2.0.1 10.1.0.2
    sleep 0.2
    nsx "$NS_R" python3 -c "$PROBES" 10.1.0.2 10.2.0.1
    sleep 0.3
    read -r -a inbound <<<"$(counted "$NS_R")"
    read -r -a outbound <<<"$(counted "$NS_C")"
    host_report "$name" "$SWANCTL" "$report"
    teardown
    want=""
    for i in 0 1 2; do want+="$([ "${inbound[$i]:-0}" -gt 0 ] && echo accepted || echo dropped) "; done
    for i in 0 1 2; do want+="$([ "${outbound[$i]:-0}" -gt 0 ] && echo accepted || echo dropped) "; done
    want=${want% }
    # The probes back go after the ones in: their flows are new (other ports, another id).
    got=$(jq -r '[.forward[] | .verdict] | join(" ")' "$report")
    if [ "$got" = "$want" ]; then
        printf 'PASS %-34s %s\n' "$name" "$want"
        return 0
    fi
    printf 'FAIL %-34s kernel [%s], ike-doctor [%s]\n' "$name" "$want" "$got"
    jq -c '.forward[], .facts.reverse_paths' "$report" >&2
    return 1
}

# site_up RULESET: the site: the peer (10.99.2.3, with the remote network's 10.2.0.1 on its
# loopback), the gateway (eth0 10.99.2.2, eth1 10.1.0.1/24, forwarding) and a LAN host 10.1.0.2;
# the rule set on the gateway.
site_up() {
    cleanup_stale
    ns_create "$NS_C"
    ns_create "$NS_G"
    ns_create "$NS_R"
    veth "$NS_C" eth0 10.99.2.3/24 "$NS_G" eth0 10.99.2.2/24
    veth "$NS_G" eth1 10.1.0.1/24 "$NS_R" eth0 10.1.0.2/24
    nsx "$NS_G" sysctl -qw net.ipv4.ip_forward=1
    nsx "$NS_G" ip route add 10.2.0.0/24 via 10.99.2.3 dev eth0
    nsx "$NS_C" ip addr add 10.2.0.1/32 dev lo
    nsx "$NS_C" ip route add 10.1.0.0/24 via 10.99.2.2
    nsx "$NS_R" ip route add default via 10.1.0.1
    ruleset_apply "$NS_G" "$1" || { log "$(basename "$1"): the rule set could not be applied"; teardown; return 1; }
}

nat_one() {
    local file=$1 name kernel reported report translated kept
    name=$(basename "$file")
    report=$WORK/nat-$name.json
    site_up "$file" || return 1
    nsx "$NS_C" nft -f - <<'NFT'
table inet ikedoctor_probe {
    chain seen {
        type filter hook input priority 2147483647; policy accept;
        udp dport 53 ip saddr 10.1.0.2 counter
        udp dport 53 ip saddr 10.99.2.2 counter
    }
}
NFT
    nsx "$NS_R" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b"probe", ("10.2.0.1", 53))
'
    sleep 0.3
    read -r kept translated <<<"$(counted "$NS_C")"
    host_report "$name" "$SWANCTL" "$report"
    teardown
    kernel=$([ "${translated:-0}" -gt 0 ] && echo translated || { [ "${kept:-0}" -gt 0 ] && echo untouched || echo lost; })
    reported=$(jq -r '[.nat[] | .nat] | join(" ")' "$report")
    if [ "$kernel" = "$reported" ]; then
        printf 'PASS %-34s %s\n' "$name" "$kernel"
        return 0
    fi
    if [ "$reported" = cannot-evaluate ] && grep -q '^# ike-doctor: cannot evaluate' "$file"; then
        printf 'OPEN %-34s kernel %s, ike-doctor %s\n' "$name" "$kernel" "$reported"
        return 0
    fi
    printf 'FAIL %-34s kernel %s, ike-doctor %s\n' "$name" "$kernel" "$reported"
    jq -c '.nat[]' "$report" >&2
    return 1
}

route() {   # route NS DEST WAY: WAY eth0 (via the peer), eth1 (via the LAN), none
    case "$3" in
    eth0) nsx "$1" ip route add "$2" via 10.99.2.3 dev eth0 ;;
    eth1) nsx "$1" ip route add "$2" via 10.1.0.254 dev eth1 ;;
    esac
}

run_one() {
    local name=$1 rp_if=$2 rp_all=$3 way=$4 default=$5 seen kernel reported
    cleanup_stale
    ns_create "$NS_C"
    ns_create "$NS_G"
    veth "$NS_C" eth0 10.99.2.3/24 "$NS_G" eth0 10.99.2.2/24
    # The LAN: a veth to a namespace standing for its router (this kernel has no dummy links).
    ns_create "$NS_R"
    veth "$NS_G" eth1 10.1.0.1/24 "$NS_R" eth0 10.1.0.254/24
    nsx "$NS_G" sysctl -qw net.ipv4.ip_forward=1 \
        "net.ipv4.conf.all.rp_filter=$rp_all" "net.ipv4.conf.eth0.rp_filter=$rp_if"
    route "$NS_G" 10.2.0.0/24 "$way"
    route "$NS_G" default "$default"
    nsx "$NS_G" nft -f - <<<"$COUNTER"
    # The remote network's first host, on the client, sending toward the gateway's LAN.
    nsx "$NS_C" ip addr add 10.2.0.1/32 dev lo
    nsx "$NS_C" ip route add 10.1.0.0/24 via 10.99.2.2
    nsx "$NS_C" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.2.0.1", 0))
for _ in range(3):
    s.sendto(b"tunnelled", ("10.1.0.2", 9))
'
    sleep 0.2
    seen=$(nsx "$NS_G" nft -j list table inet ikedoctor_probe \
        | jq '[.nftables[] | .rule? | select(.) | .expr[] | .counter? | select(.) | .packets] | add // 0')
    kernel=$([ "$seen" -gt 0 ] && echo passed || echo dropped)
    local report=$WORK/$name.json
    host_report "$name" "$SWANCTL" "$report"
    teardown
    reported=$(jq -r 'if ([.findings[].check] | index("strict-rp-filter")) then "dropped" else "passed" end' "$report")
    if [ "$kernel" = "$reported" ]; then
        printf 'PASS %-26s rp_filter eth0=%s all=%s route=%s default=%s: %s\n' \
            "$name" "$rp_if" "$rp_all" "$way" "$default" "$kernel"
        return 0
    fi
    printf 'FAIL %-26s kernel %s, ike-doctor %s\n' "$name" "$kernel" "$reported"
    jq -c '.findings[] | select(.check == "strict-rp-filter"), .facts.reverse_paths' "$report" >&2
    return 1
}

main() {
    local passed=0 failed=0 name rp_if rp_all way default file
    while [ $# -gt 0 ]; do
        case "$1" in
        --doctor) DOCTOR=$(realpath "$2"); shift 2 ;;
        -h|--help) sed -n '2,35p' "$0"; return 0 ;;
        *) echo "unknown argument $1" >&2; return 2 ;;
        esac
    done
    [ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)" >&2; return 2; }
    [ -x "$DOCTOR" ] || { echo "$DOCTOR is not built (cargo build)" >&2; return 2; }
    [ -d /etc/swanctl ] || { echo "/etc/swanctl is missing (strongswan-swanctl)" >&2; return 2; }
    WORK=$(mktemp -d /tmp/ikelab-fwd.XXXXXX)
    trap 'teardown; rm -rf "$WORK"' EXIT
    while IFS='|' read -r name rp_if rp_all way default; do
        name=$(xargs <<<"$name")
        [ -n "$name" ] || continue
        if run_one "$name" "$(xargs <<<"$rp_if")" "$(xargs <<<"$rp_all")" \
            "$(xargs <<<"$way")" "$(xargs <<<"$default")" </dev/null; then
            passed=$((passed + 1))
        else
            failed=$((failed + 1))
        fi
    done <<<"$RP_CASES"
    while IFS='|' read -r name arms redirects; do
        name=$(xargs <<<"$name")
        [ -n "$name" ] || continue
        if redirect_one "$name" "$(xargs <<<"$arms")" "$(xargs <<<"$redirects")" </dev/null; then
            passed=$((passed + 1))
        else
            failed=$((failed + 1))
        fi
    done <<<"$REDIRECT_CASES"
    for file in "$LAB_DIR"/nat/*.nft "$LAB_DIR"/nat/*.iptables; do
        if nat_one "$file" </dev/null; then
            passed=$((passed + 1))
        else
            failed=$((failed + 1))
        fi
    done
    for file in "$LAB_DIR"/forward/*.nft "$LAB_DIR"/forward/*.iptables; do
        if forward_one "$file" </dev/null; then
            passed=$((passed + 1))
        else
            failed=$((failed + 1))
        fi
    done
    echo "$passed passed, $failed failed"
    [ "$failed" = 0 ]
}

main "$@"
