# Shared machinery of the failure lab: topology, daemons, captures, teardown.
# Sourced by run.sh inside one subshell per scenario.

LAB_NS_PREFIX=ikelab
NS_C=${LAB_NS_PREFIX}-c
NS_R=${LAB_NS_PREFIX}-r
NS_G=${LAB_NS_PREFIX}-g
NS_X=${LAB_NS_PREFIX}-x            # second client, only for scenarios that need one

# Addresses (never routed outside the namespaces).
GW_ADDR=10.99.2.2
GW_LAN=10.99.100.1
GW_LAN_NET=10.99.100.0/24
POOL_NET=10.99.200.0/28

CHARON=/usr/lib/ipsec/charon
FAKETIME_LIB=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -n 1)
PLUTO_PREFIX=${PLUTO_PREFIX:-/opt/ike-lab/libreswan}

PIDS=()          # every process this scenario started, killed in reverse order
NAMESPACES=()    # every namespace this scenario created

log()  { printf '[lab %s] %s\n' "${SCENARIO:-?}" "$*" >&2; }
die()  { log "ERROR: $*"; exit 1; }

nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

ns_create() {
    local ns=$1
    ip netns add "$ns" || die "cannot create namespace $ns"
    NAMESPACES+=("$ns")
    nsx "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    nsx "$ns" ip link set lo up
}

# veth NS_A IF_A ADDR_A NS_B IF_B ADDR_B [MTU]
veth() {
    local na=$1 ia=$2 aa=$3 nb=$4 ib=$5 ab=$6 mtu=${7:-1500}
    ip link add "$ia" netns "$na" mtu "$mtu" type veth peer name "$ib" netns "$nb" mtu "$mtu" \
        || die "cannot create veth $na/$ia <-> $nb/$ib"
    nsx "$na" ip addr add "$aa" dev "$ia"
    nsx "$nb" ip addr add "$ab" dev "$ib"
    nsx "$na" ip link set "$ia" up
    nsx "$nb" ip link set "$ib" up
}

# Topologies. Client side address is CLIENT_ADDR, the gateway is always GW_ADDR.
#   direct: client eth0 10.99.2.3/24 -- gateway eth0 10.99.2.2/24
#   router: client eth0 10.99.1.2/24 -- router eth0 10.99.1.1 | router eth1 10.99.2.1 -- gateway eth0 10.99.2.2
#   nat:    like router, and the router masquerades the client network toward the gateway
topology_up() {
    ns_create "$NS_C"
    ns_create "$NS_G"
    case "$TOPO" in
    direct)
        CLIENT_ADDR=10.99.2.3
        veth "$NS_C" eth0 "$CLIENT_ADDR/24" "$NS_G" eth0 "$GW_ADDR/24" "${MTU_CLIENT:-1500}"
        ;;
    router|nat)
        CLIENT_ADDR=10.99.1.2
        ns_create "$NS_R"
        veth "$NS_C" eth0 "$CLIENT_ADDR/24" "$NS_R" eth0 10.99.1.1/24 "${MTU_CLIENT:-1500}"
        veth "$NS_R" eth1 10.99.2.1/24 "$NS_G" eth0 "$GW_ADDR/24" "${MTU_GATEWAY:-1500}"
        nsx "$NS_R" sysctl -qw net.ipv4.ip_forward=1
        nsx "$NS_C" ip route add 10.99.2.0/24 via 10.99.1.1
        if [ "$TOPO" = router ]; then
            nsx "$NS_G" ip route add 10.99.1.0/24 via 10.99.2.1
        else
            nsx "$NS_R" nft -f - <<NFT || die "nft masquerade failed"
table ip nat {
    chain postrouting {
        type nat hook postrouting priority srcnat; policy accept;
        oifname "eth1" ip saddr 10.99.1.0/24 masquerade
    }
}
NFT
        fi
        ;;
    *) die "unknown topology $TOPO" ;;
    esac
    # The protected network behind the gateway.
    # (a veth pair inside the gateway namespace: this kernel has no dummy driver)
    nsx "$NS_G" ip link add lan0 type veth peer name lan0p
    nsx "$NS_G" ip addr add "$GW_LAN/24" dev lan0
    nsx "$NS_G" ip link set lan0p up
    nsx "$NS_G" ip link set lan0 up
}

# Every process is started with "exec" chains so that $! is the process itself.
start_bg() {   # start_bg NAME STDOUT_FILE CMD...
    local name=$1 out=$2; shift 2
    "$@" >"$out" 2>&1 &
    local pid=$!
    PIDS+=("$pid")
    eval "PID_$name=$pid"
    log "started $name pid $pid"
}

capture_start() {   # capture_start NAME NS IFACE FILE  (CAPTURE_FILTER: a capture filter; default: not arp)
    local name=$1 ns=$2 ifc=$3 file=$4
    start_bg "$name" "$WORK/$name.tcpdump.txt" \
        ip netns exec "$ns" tcpdump -i "$ifc" -U -Z root -s 0 --immediate-mode -w "$file" ${CAPTURE_FILTER:-not arp}
    local i
    for i in $(seq 1 50); do
        grep -q 'listening on' "$WORK/$name.tcpdump.txt" 2>/dev/null && return 0
        sleep 0.1
    done
    die "tcpdump $name did not start"
}

stop_pid() {   # stop_pid PID  (TERM, then KILL after 3 s)
    local pid=$1 i
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null
    for i in $(seq 1 30); do
        kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return 0
}

teardown() {
    local i
    for ((i=${#PIDS[@]}-1; i>=0; i--)); do
        stop_pid "${PIDS[$i]}"
    done
    PIDS=()
    for ((i=${#NAMESPACES[@]}-1; i>=0; i--)); do
        ip netns del "${NAMESPACES[$i]}" 2>/dev/null
    done
    NAMESPACES=()
}

# Remove namespaces of this lab left by an interrupted earlier run (only our own names).
cleanup_stale() {
    local ns
    for ns in "$NS_C" "$NS_R" "$NS_G" "$NS_X"; do
        if ip netns list | grep -qw "^$ns"; then
            log "removing stale namespace $ns"
            ip netns pids "$ns" 2>/dev/null | while read -r p; do kill -KILL "$p" 2>/dev/null; done
            ip netns del "$ns"
        fi
    done
}

# ruleset_apply NS FILE: a rule set by its kind: *.nft (nft -f), *.iptables (iptables-restore,
# through iptables-nft), *.iptables-legacy (iptables-legacy-restore). Fails with the tool's words.
ruleset_apply() {
    case "$2" in
    *.nft) nsx "$1" nft -f "$2" ;;
    *.iptables) nsx "$1" iptables-restore <"$2" ;;
    *.iptables-legacy) nsx "$1" iptables-legacy-restore <"$2" ;;
    *) log "$2: not a rule set file this lab applies"; return 1 ;;
    esac
}

nft_apply() {   # nft_apply NS  (rules on stdin)
    nsx "$1" nft -f - || die "nft rules failed in $1"
}

# A host whose firewall drops IKE (UDP 500 and 4500) addressed to it: firewall_drops_ike NS.
firewall_drops_ike() {
    nft_apply "$1" <<'NFT'
table inet filter {
    chain input {
        type filter hook input priority filter; policy accept;
        udp dport { 500, 4500 } drop
    }
}
NFT
}

# router_drop_fragments [DADDR]: a router (or firewall) that drops every IP fragment, or only
# those toward DADDR (one direction of the path), before conntrack reassembles them (priority
# -450 is before its defragmentation).
router_drop_fragments() {
    local toward=""
    [ -n "${1:-}" ] && toward="ip daddr $1 "
    nft_apply "$NS_R" <<NFT
table ip fragfilter {
    chain prerouting {
        type filter hook prerouting priority -450; policy accept;
        ${toward}ip frag-off & 0x3fff != 0 counter drop
    }
}
NFT
}

# host_check ROLE NS EXPECTED [PEER] : run `ike-doctor host` inside NS while the daemons run (it reads
# that namespace's /proc/net, /sys/class/net and sysctls, tries an ESP SA in a throw-away
# namespace of its own, and with PEER evaluates the firewall for it); the checks it reports, failures and warnings, must be EXPECTED (space
# separated, "-" for none). The report goes to OUT/host-ROLE.json; a mismatch is recorded in
# WORK/host-check.failed for run.sh to fail the scenario on.
host_check() {
    local role=$1 ns=$2 expected=$3 got want
    local doctor=${IKE_DOCTOR:-$REPO_DIR/target/debug/ike-doctor}
    if [ ! -x "$doctor" ]; then
        echo "host check $role: $doctor is not built (cargo build, or set IKE_DOCTOR)" >>"$WORK/host-check.failed"
        return
    fi
    local peer=() prefix=() pid
    [ -n "${4:-}" ] && peer=(--peer "$4")
    # The host as its daemon sees it: its mount namespace (its /etc/swanctl, certificates) and
    # its clock (a scenario's faked time).
    if [ "$role" = gateway ]; then prefix=("${GATEWAY_PREFIX[@]}"); else prefix=("${CLIENT_PREFIX[@]}"); fi
    pid=$(eval echo "\${PID_charon_$role:-\${PID_pluto_$role:-}}")
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        nsenter -t "$pid" -m -n -- "${prefix[@]}" "$doctor" host "${peer[@]}" --format json -o "$OUT/host-$role.json"
    else
        nsx "$ns" "${prefix[@]}" "$doctor" host "${peer[@]}" --format json -o "$OUT/host-$role.json"
    fi
    # Beside a pluto, what Libreswan's own `ipsec verify` says of the same host, for the
    # README's comparison (ipsec-verify-ROLE.txt; not checked).
    local pluto_pid
    pluto_pid=$(eval echo "\${PID_pluto_$role:-}")
    if [ -n "$pluto_pid" ] && [ -x "$PLUTO_PREFIX/usr/sbin/ipsec" ]; then
        nsenter -t "$pluto_pid" -m -n -- env LD_LIBRARY_PATH="$LS_LIB" "$PLUTO_PREFIX/usr/sbin/ipsec" verify \
            >"$OUT/ipsec-verify-$role.txt" 2>&1
    fi
    # The machine's clock is the machine's, not the scenario's: left out unless expected.
    local machine='"clock-not-synchronized"'
    [[ "$expected" == *clock-not-synchronized* ]] && machine='""'
    got=$(jq -r --argjson m "[$machine]" '[.findings[].check, .verdict.warnings[].check] - $m | unique | join(" ")' "$OUT/host-$role.json")
    want=$(tr ' ' '\n' <<<"$expected" | grep -v -e '^-$' -e '^$' | LC_ALL=C sort -u | paste -sd ' ')
    if [ "$got" != "$want" ]; then
        echo "host check $role: expected [$want], ike-doctor host reported [$got]" >>"$WORK/host-check.failed"
    else
        log "host check $role: [$got] as expected"
    fi
}

# Watch mode (lab/run.sh --watch): `ike-doctor watch` on the gateway's interface and log, its
# evidence in $OUT/watch, its JSON lines in $OUT/watch.jsonl, a real Prometheus in the
# gateway's namespace scraping its metrics every second (only loopback inside the namespace).
WATCH_METRICS=127.0.0.1:9814
WATCH_PROMETHEUS=127.0.0.1:9090
watch_start() {
    local doctor=${IKE_DOCTOR:-$REPO_DIR/target/debug/ike-doctor}
    [ -x "$doctor" ] || die "watch: $doctor not built"
    mkdir -p "$OUT/watch"
    : >"$OUT/watch.jsonl"
    start_bg watch "$WORK/watch.stderr" ip netns exec "$NS_G" bash -c \
        'exec "$0" watch --interface eth0 --log "$1" --evidence "$2" --metrics "$3" --attempt-timeout 60 >>"$4"' \
        "$doctor" "$OUT/gateway.log" "$OUT/watch" "$WATCH_METRICS" "$OUT/watch.jsonl"
    cat >"$WORK/prometheus.yml" <<PROM
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: ike-doctor
    static_configs:
      - targets: ['$WATCH_METRICS']
PROM
    start_bg prometheus "$WORK/prometheus.txt" ip netns exec "$NS_G" prometheus \
        --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/prometheus" \
        --web.listen-address="$WATCH_PROMETHEUS"
    local i
    for i in $(seq 1 100); do
        nsx "$NS_G" curl -sf "http://$WATCH_METRICS/metrics" >/dev/null \
            && nsx "$NS_G" curl -sf "http://$WATCH_PROMETHEUS/-/ready" >/dev/null && return 0
        sleep 0.1
    done
    cat "$WORK/watch.stderr" "$WORK/prometheus.txt" >&2
    die "watch or prometheus did not start"
}

# Waits (up to WATCH_WAIT s) for a line of watch with the scenario's outcome, then for two
# scrapes, and saves what Prometheus holds of the counters in $OUT/watch-prometheus.json.
watch_finish() {
    local i want=${TRUTH_OUTCOME:-failed}
    for i in $(seq 1 $((${WATCH_WAIT:-20} * 10))); do
        grep -q "\"outcome\":\"$want\"" "$OUT/watch.jsonl" && break
        sleep 0.1
    done
    # Until Prometheus has scraped the counters the line moved (its first scrapes come a few
    # seconds after it starts).
    for i in $(seq 1 150); do
        nsx "$NS_G" curl -sf "http://$WATCH_PROMETHEUS/api/v1/query" \
            --data-urlencode 'query={__name__=~"ike_doctor_(attempts|sas_lost)_total"}' 2>/dev/null \
            | grep -q '"value"' && break
        sleep 0.1
    done
    nsx "$NS_G" curl -sf "http://$WATCH_PROMETHEUS/api/v1/query" \
        --data-urlencode 'query={__name__=~"ike_doctor_.*_total"}' >"$OUT/watch-prometheus.json" \
        || log "watch: prometheus query failed"
    nsx "$NS_G" curl -sf "http://$WATCH_METRICS/metrics" >"$OUT/watch-metrics.txt"
    cp "$WORK/watch.stderr" "$OUT/watch.stderr"
}
