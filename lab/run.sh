#!/bin/bash
# ike-doctor failure lab: reproduce IKEv2 failures with real daemons in network namespaces.
#
#   lab/run.sh list                      list the scenarios
#   lab/run.sh [OPTIONS] SCENARIO...|all run scenarios (as root), one topology at a time
#
# Options:
#   --out DIR      where each scenario's output goes (default: lab/out)
#   --fixtures     after a scenario reproduces, refresh tests/fixtures/lab/SCENARIO from its output
#   --check        also compare each output with the committed fixture (truth.json and the set of
#                  IKE exchanges in client.pcap); a difference fails the scenario
#   --quiet        keep each scenario's progress in OUT/SCENARIO.run.txt, print it only on failure
#   --scenario-dir DIR  read the scenarios from DIR (default: lab/scenarios)
#   --observe      instead of the scenario's proofs, write OUT/SCENARIO/observed.json: what the
#                  daemons did, from their logs (lib/observe.py); how lab/differential.py runs
#   --watch        also run `ike-doctor watch` on the gateway (interface and log) with a real
#                  Prometheus scraping it; its lines, evidence and metrics go to OUT/SCENARIO
#                  (how lab/watch-check.sh checks watch mode)
#   --establish    instead of the scenario's proofs, check that it established (both daemons' logs
#                  show a CHILD_SA, the client's shows no refusal); with FIX_PEER (initiator or
#                  responder), FIX_SECTION and FIX_LINE, that swanctl.conf line is applied first
#                  (lab/lib/apply_fix.py): how lab/fix-check.sh proves a report's fix
#
# Prints one line per scenario and ends with "N passed, M failed"; exits 1 if any failed.
set -u

LAB_DIR=$(cd "$(dirname "$0")" && pwd)
REPO_DIR=$(cd "$LAB_DIR/.." && pwd)
FIXTURE_ROOT=$REPO_DIR/tests/fixtures/lab
OUT_ROOT=$LAB_DIR/out
DO_FIXTURES=no
DO_CHECK=no
QUIET=no
DO_ESTABLISH=no
DO_OBSERVE=no
DO_WATCH=no
SCENARIO_DIR=$LAB_DIR/scenarios

. "$LAB_DIR/lib/common.sh"
. "$LAB_DIR/lib/pki.sh"
. "$LAB_DIR/lib/strongswan.sh"
. "$LAB_DIR/lib/libreswan.sh"
. "$LAB_DIR/lib/fixtures.sh"

all_scenarios() {
    local f
    for f in "$SCENARIO_DIR"/*.sh; do
        basename "$f" .sh
    done
}

set_defaults() {
    TOPO=direct
    AUTH=psk
    IMPL_C=strongswan
    IMPL_G=strongswan
    VERSION_C=2; VERSION_G=2
    IKE_PROPOSALS_C=aes256-sha256-modp2048; IKE_PROPOSALS_G=aes256-sha256-modp2048
    ESP_PROPOSALS_C=aes256-sha256; ESP_PROPOSALS_G=aes256-sha256
    FRAG_C=yes; FRAG_G=yes
    ENCAP_C=no
    DPD_C=0; DPD_G=0
    IKE_REKEY_C=4h; IKE_REKEY_G=4h
    CHILD_REKEY_C=1h; CHILD_REKEY_G=1h
    PSK_C=ikelab-shared-secret-1; PSK_G=ikelab-shared-secret-1
    ID_C=client.ikelab.test; ID_G=gateway.ikelab.test
    REMOTE_ID_C=gateway.ikelab.test; REMOTE_ID_G=client.ikelab.test
    EAP_USER=alice; EAP_PASS_C=alice-password-1; EAP_PASS_G=alice-password-1
    EAP_METHOD_C=mschapv2; EAP_METHOD_G=mschapv2   # each end's EAP method (lib default too)
    VIPS_C=0.0.0.0
    POOLS_G=rw_pool
    POOL_ADDRS=$POOL_NET
    TS_LOCAL_G=$GW_LAN_NET
    TS_REMOTE_C=$GW_LAN_NET
    CONN_EXTRA_C=""; CONN_EXTRA_G=""; CHILD_EXTRA_C=""; CHILD_EXTRA_G=""
    INIT_TIMEOUT=30          # seconds swanctl --initiate waits
    POST_WAIT=1              # seconds to wait after the scenario's action, before stopping
    TRAFFIC=auto             # ping through the tunnel when the CHILD_SA is up
    TRAFFIC_COUNT=3
    TRAFFIC_SIZE=56
    TRUTH_OUTCOME=""; TRUTH_PHASE=null; TRUTH_CATEGORY=null; TRUTH_ROOT_CAUSE=""
    HOST_EXPECT_G=""; HOST_EXPECT_C=""   # checks `ike-doctor host` must report on that peer
    HOST_PEER_G=""; HOST_PEER_C=""       # the other peer's address for its firewall evaluation
    DESCRIPTION=""
    HOW=""
    CLIENT_PREFIX=()         # command prefix of the client daemon (e.g. a faked clock)
    GATEWAY_PREFIX=()
}

# Proof declarations used by the scenario files.
proof()        { printf 'log\t%s\t%s\t\t\n' "$1" "$2" >>"$EXPECT"; }
proof_absent() { printf 'nolog\t%s\t%s\t\t\n' "$1" "$2" >>"$EXPECT"; }
proof_frames() { printf 'frames\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "${4:-}" >>"$EXPECT"; }

# Hooks a scenario may redefine.
scenario_setup() { :; }                # nft rules, sysctls, MTUs (after the topology exists)
scenario_pki() { pki_standard; }        # certificates
scenario_proofs() { :; }                # proof/proof_absent/proof_frames calls
scenario_run() { default_run; }         # what the user does

# The client's connect attempt and, when it comes up, a ping through the tunnel.
default_run() {
    client_initiate
    if [ "$TRAFFIC" = auto ] && [ "$INIT_RC" = 0 ]; then
        client_traffic "$TRAFFIC_COUNT" "$TRAFFIC_SIZE" >"$OUT/client-traffic.txt"
    fi
}

client_initiate() {
    log "initiating"
    case "$IMPL_C" in
    strongswan) swan_ctl client --initiate --ike home --child net --timeout "$INIT_TIMEOUT" >"$OUT/client-initiate.txt" 2>&1 ;;
    libreswan) pluto_initiate client >"$OUT/client-initiate.txt" 2>&1 ;;
    esac
    INIT_RC=$?
    log "initiate exit status $INIT_RC"
}

# client_traffic COUNT SIZE [extra ping args]: ping the gateway's protected network from the client
client_traffic() {
    local count=$1 size=$2; shift 2
    nsx "$NS_C" ping -n -c "$count" -i 0.3 -W 1 -s "$size" "$@" "$GW_LAN" 2>&1
    return 0
}

install_standard_certs() {
    case "$AUTH" in
    cert)
        [ "$IMPL_C" = strongswan ] && { pki_install client x509 client; pki_install client x509ca ca; }
        [ "$IMPL_G" = strongswan ] && { pki_install gateway x509 gateway; pki_install gateway x509ca ca; }
        ;;
    eap)
        [ "$IMPL_C" = strongswan ] && pki_install client x509ca ca
        [ "$IMPL_G" = strongswan ] && { pki_install gateway x509 gateway; pki_install gateway x509ca ca; }
        ;;
    esac
    return 0
}
# A scenario that needs other certificates redefines this.
scenario_install_certs() { install_standard_certs; }

run_one() {
    SCENARIO=$1
    local file=$SCENARIO_DIR/$SCENARIO.sh
    [ -f "$file" ] || die "no scenario $SCENARIO"
    set_defaults
    . "$file"
    OUT=$OUT_ROOT/$SCENARIO
    rm -rf "$OUT"
    mkdir -p "$OUT"
    WORK=$(mktemp -d /tmp/ikelab.XXXXXX)
    PKI=$WORK/pki
    mkdir -p "$PKI"
    EXPECT=$WORK/expect.tsv
    : >"$EXPECT"
    trap 'teardown; rm -rf "$WORK"' EXIT
    cleanup_stale

    topology_up
    scenario_setup
    if [ "$AUTH" != psk ] || [ "${NEED_PKI:-no}" = yes ]; then
        scenario_pki
    fi
    mkdir -p "$WORK/client/swanctl"/{x509,x509ca,x509crl,private} "$WORK/gateway/swanctl"/{x509,x509ca,x509crl,private}

    capture_start cap_client "$NS_C" eth0 "$OUT/client.pcap"
    capture_start cap_gateway "$NS_G" eth0 "$OUT/gateway.pcap"
    [ "$DO_WATCH" = yes ] && watch_start

    # Daemons: the gateway first, so it is listening when the client starts.
    case "$IMPL_G" in
    strongswan) swan_prepare gateway ;;
    libreswan) pluto_prepare gateway ;;
    esac
    case "$IMPL_C" in
    strongswan) swan_prepare client ;;
    libreswan) pluto_prepare client ;;
    esac
    scenario_install_certs
    if [ -n "${FIX_PEER:-}" ]; then
        local fix_role=client fix_other=gateway
        [ "$FIX_PEER" = responder ] && { fix_role=gateway; fix_other=client; }
        python3 "$LAB_DIR/lib/apply_fix.py" "$WORK/$fix_role/swanctl/swanctl.conf" "$FIX_SECTION" \
            "$FIX_LINE" "$WORK/$fix_other/swanctl/swanctl.conf" >&2 || die "the fix does not apply"
    fi
    if [ "$IMPL_G" = strongswan ]; then
        swan_start gateway "$NS_G" "${GATEWAY_PREFIX[@]}" && swan_load gateway
    else
        pluto_start gateway "$NS_G" || die "pluto gateway failed to start"
    fi
    if [ "$IMPL_C" = strongswan ]; then
        swan_start client "$NS_C" "${CLIENT_PREFIX[@]}" || die "client daemon failed to start"
        swan_load client
    else
        pluto_start client "$NS_C" || die "pluto client failed to start"
    fi

    # What `ike-doctor host` finds on each peer while its daemon runs, against the scenario's
    # expectation (HOST_EXPECT_G / HOST_EXPECT_C; none set, no check).
    if [ "$DO_OBSERVE" = no ] && [ "$DO_ESTABLISH" = no ]; then
        [ -n "${HOST_EXPECT_G:-}" ] && host_check gateway "$NS_G" "$HOST_EXPECT_G" "${HOST_PEER_G:-}"
        [ -n "${HOST_EXPECT_C:-}" ] && host_check client "$NS_C" "$HOST_EXPECT_C" "${HOST_PEER_C:-}"
    fi

    scenario_run
    sleep "$POST_WAIT"
    [ "$DO_WATCH" = yes ] && watch_finish

    # Captures stop before the daemons so that shutdown traffic is not recorded.
    stop_pid "$PID_cap_client"
    stop_pid "$PID_cap_gateway"
    teardown

    # Publish configurations and certificates (never private keys).
    for role in client gateway; do
        case $([ "$role" = client ] && echo "$IMPL_C" || echo "$IMPL_G") in
        strongswan) swan_publish "$role" ;;
        libreswan) pluto_publish "$role" ;;
        esac
    done
    if ls "$PKI"/*.pem >/dev/null 2>&1; then
        mkdir -p "$OUT/certs"
        cp "$PKI"/*.pem "$OUT/certs/"
    fi
    for f in "$WORK"/*/charon.stdout "$WORK"/*/pluto.stdout; do
        [ -s "$f" ] && cp "$f" "$OUT/$(basename "$(dirname "$f")")-daemon-stdout.txt"
    done

    # IKE SA keys (Wireshark's ikev2_decryption_table format) from the strongSwan side.
    local keyside=client
    [ "$IMPL_C" = strongswan ] || keyside=gateway
    if [ -f "$WORK/$keyside.keys.log" ]; then
        python3 "$LAB_DIR/lib/ikekeys.py" "$WORK/$keyside.keys.log" "$OUT/$keyside.log" \
            "$OUT/$keyside.pcap" "$OUT/ike-keys.csv"
    fi
    scenario_json >"$OUT/scenario.json"
    if [ "$DO_OBSERVE" = yes ]; then
        python3 "$LAB_DIR/lib/observe.py" "$OUT" >"$OUT/observed.json" || die "observe.py failed"
        log "observed: $(tr -d '\n' <"$OUT/observed.json" | cut -c1-200)"
        exit 0
    fi
    if [ "$DO_ESTABLISH" = yes ]; then
        local child='CHILD_SA [^ ]+\{[0-9]+\} established with SPIs'
        local refused='received (AUTHENTICATION_FAILED|NO_PROPOSAL_CHOSEN|TS_UNACCEPTABLE|INTERNAL_ADDRESS_FAILURE|FAILED_CP_REQUIRED)|rekeying failed|giving up after'
        if grep -qE "$child" "$OUT/client.log" && grep -qE "$child" "$OUT/gateway.log" \
            && ! grep -qE "$refused" "$OUT/client.log"; then
            log "ESTABLISHED"
            exit 0
        fi
        log "NOT ESTABLISHED"
        grep -E "$refused" "$OUT/client.log" >&2
        exit 1
    fi
    if [ -s "$WORK/host-check.failed" ]; then
        cat "$WORK/host-check.failed" >&2
        log "HOST CHECK DID NOT MATCH"
        exit 1
    fi
    scenario_proofs
    log "verifying from the daemons' logs and the captures"
    if ! python3 "$LAB_DIR/lib/verify.py" "$OUT" "$EXPECT" "$SCENARIO" "$TRUTH_OUTCOME" \
            "$TRUTH_PHASE" "$TRUTH_CATEGORY" "$TRUTH_ROOT_CAUSE" >&2; then
        log "DID NOT REPRODUCE"
        exit 1
    fi
    if [ "$DO_CHECK" = yes ]; then
        fixture_compare "$SCENARIO" "$OUT" || exit 1
    fi
    if [ "$DO_FIXTURES" = yes ]; then
        fixture_write "$SCENARIO" "$OUT"
    fi
    exit 0
}

# What the scenario is, for the README table and for tests that read the fixtures.
scenario_json() {
    local swan pluto=""
    swan=$(dpkg-query -W -f '${Version}' strongswan-charon 2>/dev/null)
    if [ "$IMPL_C" = libreswan ] || [ "$IMPL_G" = libreswan ]; then
        pluto=$("$LS_EXEC/pluto" --version 2>/dev/null | awk 'NR == 1 {print $2}')
    fi
    jq -n --arg name "$SCENARIO" --arg description "$DESCRIPTION" --arg how "$HOW" \
        --arg topology "$TOPO" --arg auth "$AUTH" --arg client "$IMPL_C" --arg gateway "$IMPL_G" \
        --arg swan "$swan" --arg pluto "$pluto" --arg kernel "$(uname -r)" \
        '{scenario: $name, description: $description, how: $how, topology: $topology, auth: $auth,
          client_implementation: $client, gateway_implementation: $gateway,
          software: ({strongswan: $swan, kernel: $kernel} + (if $pluto == "" then {} else {libreswan: $pluto} end)),
          made_with: ("lab/run.sh --fixtures " + $name)}'
}

main() {
    local names=() n
    while [ $# -gt 0 ]; do
        case "$1" in
        --out) OUT_ROOT=$(realpath -m "$2"); shift 2 ;;
        --fixtures) DO_FIXTURES=yes; shift ;;
        --check) DO_CHECK=yes; shift ;;
        --quiet) QUIET=yes; shift ;;
        --establish) DO_ESTABLISH=yes; shift ;;
        --observe) DO_OBSERVE=yes; shift ;;
        --watch) DO_WATCH=yes; shift ;;
        --scenario-dir) SCENARIO_DIR=$(realpath -m "$2"); shift 2 ;;
        list) all_scenarios; return 0 ;;
        all) mapfile -t -O "${#names[@]}" names < <(all_scenarios); shift ;;
        -h|--help) sed -n '2,21p' "$0"; return 0 ;;
        -*) echo "unknown option $1" >&2; return 2 ;;
        *) names+=("$1"); shift ;;
        esac
    done
    [ ${#names[@]} -gt 0 ] || { sed -n '2,21p' "$0"; return 2; }
    [ "$(id -u)" = 0 ] || { echo "the lab needs root (network namespaces)" >&2; return 2; }
    mkdir -p "$OUT_ROOT"
    local passed=0 failed=0 failed_names=() t0 t1 start_all
    start_all=$(date +%s)
    for n in "${names[@]}"; do
        t0=$(date +%s)
        if [ "$QUIET" = yes ]; then
            ( run_one "$n" ) 2>"$OUT_ROOT/$n.run.txt"
        else
            ( run_one "$n" )
        fi
        local rc=$?
        if [ $rc != 0 ] && [ "$QUIET" = yes ]; then
            sed "s/^/    /" "$OUT_ROOT/$n.run.txt"
        fi
        t1=$(date +%s)
        if [ $rc = 0 ]; then
            passed=$((passed + 1))
            printf 'PASS %-40s %4ss\n' "$n" $((t1 - t0))
        else
            failed=$((failed + 1))
            failed_names+=("$n")
            printf 'FAIL %-40s %4ss\n' "$n" $((t1 - t0))
        fi
    done
    echo "lab runtime: $(( $(date +%s) - start_all ))s"
    [ $failed -gt 0 ] && echo "failed: ${failed_names[*]}"
    echo "$passed passed, $failed failed"
    [ $failed = 0 ]
}

main "$@"
