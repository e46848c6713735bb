#!/bin/bash
# Responders for the probe's integration tests, built from the failure lab's helpers
# (lab/lib/*.sh): one gateway (strongSwan charon or Libreswan pluto) in a network namespace,
# the prober in another, optionally behind a masquerading router.
#
#   probe_lab.sh SCENARIO -- COMMAND [ARGS...]
#
# runs COMMAND inside the prober's namespace once the gateway is up, prints its standard output,
# then "command-exit N" (and, with PROBE_LAB_COUNT=1, "prober-sent N" = UDP datagrams the prober
# sent, counted by tcpdump) on standard error. Everything started is stopped by PID and every
# namespace removed on exit, also on failure. Needs root. Namespace names are unique per
# scenario (ikeprobe-<hash>-c/r/g), so scenarios run in parallel with each other and the lab.
set -u
SCENARIO_ARG=${1:?scenario}
shift
[ "${1:-}" = "--" ] && shift
[ $# -gt 0 ] || { echo "usage: probe_lab.sh SCENARIO -- COMMAND..." >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "probe_lab.sh needs root (network namespaces)" >&2; exit 2; }

REPO_DIR=$(cd "$(dirname "$0")/../../.." && pwd)
LAB_DIR=$REPO_DIR/lab
WORK=$(mktemp -d /tmp/ikeprobe.XXXXXX)
OUT=$WORK/out
PKI=$WORK/pki
OUT_ROOT=$WORK
. "$LAB_DIR/lib/common.sh"
. "$LAB_DIR/lib/pki.sh"
. "$LAB_DIR/lib/strongswan.sh"
. "$LAB_DIR/lib/libreswan.sh"

SCENARIO=probe-$SCENARIO_ARG
TAG=$(printf '%s' "$SCENARIO" | md5sum | cut -c1-6)
NS_C=ikeprobe-$TAG-c
NS_R=ikeprobe-$TAG-r
NS_G=ikeprobe-$TAG-g
NS_X=ikeprobe-$TAG-x
mkdir -p "$OUT" "$PKI"
trap 'teardown; rm -rf "/etc/netns/$NS_C"; rm -rf "$WORK"' EXIT

# The lab's defaults (lab/run.sh set_defaults), gateway side only.
TOPO=direct; AUTH=psk; IMPL_G=strongswan; VERSION_G=2
IKE_PROPOSALS_G=aes256-sha256-modp2048; ESP_PROPOSALS_G=aes256-sha256
FRAG_G=yes; DPD_G=0; IKE_REKEY_G=4h; CHILD_REKEY_G=1h
PSK_G=ikelab-shared-secret-1; ID_G=gateway.ikelab.test; REMOTE_ID_G=client.ikelab.test
EAP_USER=alice; EAP_PASS_G=alice-password-1
POOLS_G=rw_pool; POOL_ADDRS=$POOL_NET; TS_LOCAL_G=$GW_LAN_NET
CONN_EXTRA_G=""; CHILD_EXTRA_G=""
# A probe opens one half-open IKE SA per accepted suite; the lab gateway allows more than
# charon's default of 5 per peer so that enumeration is not cut short.
SWAN_EXTRA_G="    block_threshold = 100"
HOSTS=""

case "$SCENARIO_ARG" in
swan-enum)
    IKE_PROPOSALS_G=aes256-sha256-modp2048,aes128gcm16-prfsha256-ecp256,aes128-sha1-curve25519 ;;
swan-cookie)
    SWAN_EXTRA_G="    block_threshold = 100
    cookie_threshold = 1" ;;
swan-nat)
    TOPO=nat ;;
swan-drop500)
    ;;
swan-eap)
    AUTH=eap; REMOTE_ID_G=%any; HOSTS="$GW_ADDR gateway.ikelab.test" ;;
ls-enum)
    IMPL_G=libreswan
    LS_IKE_G="aes256-sha2_256;modp2048,aes_gcm128-sha2_256;dh19" ;;
*) die "unknown scenario $SCENARIO_ARG" ;;
esac

pluto_conf_gateway() { pluto_gateway_conf_default; }
pluto_secrets_gateway() { pluto_gateway_secrets_default; }

cleanup_stale
topology_up
if [ "$SCENARIO_ARG" = swan-drop500 ]; then
    nft_apply "$NS_G" <<'NFT'
table inet probefilter {
    chain input {
        type filter hook input priority 0; policy accept;
        udp dport 500 drop
    }
}
NFT
fi
if [ -n "$HOSTS" ]; then
    # ip netns exec shows /etc/netns/NS/hosts as /etc/hosts inside the namespace.
    mkdir -p "/etc/netns/$NS_C"
    printf '127.0.0.1 localhost\n%s\n' "$HOSTS" >"/etc/netns/$NS_C/hosts"
fi

case "$IMPL_G" in
strongswan)
    [ "$AUTH" = psk ] || pki_standard
    swan_prepare gateway
    [ "$AUTH" = psk ] || { pki_install gateway x509 gateway; pki_install gateway x509ca ca; }
    swan_start gateway "$NS_G" || { cat "$OUT/gateway.log" >&2; die "charon did not start"; }
    swan_load gateway
    ;;
libreswan)
    pluto_prepare gateway
    pluto_start gateway "$NS_G" || die "pluto did not start"
    ;;
esac

if [ "${PROBE_LAB_COUNT:-0}" = 1 ]; then
    capture_start cap_client "$NS_C" eth0 "$WORK/client.pcap"
fi
nsx "$NS_C" timeout 120 "$@"
rc=$?
if [ "${PROBE_LAB_COUNT:-0}" = 1 ]; then
    sleep 0.3
    stop_pid "$PID_cap_client"
    sent=$(tcpdump -nr "$WORK/client.pcap" "udp and src host $CLIENT_ADDR" 2>/dev/null | wc -l)
    echo "prober-sent $sent" >&2
fi
if [ "${PROBE_LAB_LOG:-0}" = 1 ]; then
    sed 's/^/gateway.log: /' "$OUT/gateway.log" >&2
fi
echo "command-exit $rc" >&2
exit 0
