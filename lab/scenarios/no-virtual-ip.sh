DESCRIPTION="The gateway's address pool is exhausted: a second road warrior gets no virtual IP"
HOW="pool of a single address (10.99.200.1/32); a first client (first.ikelab.test) takes it, then client.ikelab.test connects"
TOPO=direct
AUTH=psk
REMOTE_ID_G=%any
POOL_ADDRS=10.99.200.1/32
TRUTH_OUTCOME=failed
TRUTH_PHASE=CHILD_SA
TRUTH_CATEGORY=config-other
TRUTH_ROOT_CAUSE="the gateway's address pool is exhausted: no virtual IP is left for client.ikelab.test (INTERNAL_ADDRESS_FAILURE); the IKE SA is authenticated but no CHILD_SA is built"
client_swanctl_conf() {
    local saved_id=$ID_C
    # the first road warrior, sharing the client's host, occupies the only pool address
    ID_C=first.ikelab.test
    _base_client_conf | sed -n '/^connections {/,/^}/p' | sed '1d;$d' | sed 's/^    home {/    first {/; s/^            net {/            firstnet {/'  >"$WORK/first.conn"
    ID_C=$saved_id
    _base_client_conf | awk -v first="$WORK/first.conn" '
        /^connections \{/ { print; while ((getline l < first) > 0) print l; next } { print }'
}
scenario_run() {
    swan_ctl client --initiate --ike first --child firstnet --timeout 20 >"$OUT/client-initiate-first.txt" 2>&1
    client_initiate
}
scenario_proofs() {
    proof gateway.log "assigning virtual IP 10\.99\.200\.1 to peer 'first\.ikelab\.test'"
    proof gateway.log "pool 'rw_pool' is full, unable to assign address"
    proof gateway.log "no virtual IP found for %any requested by 'client\.ikelab\.test'"
    proof gateway.log 'no virtual IP found, sending INTERNAL_ADDRESS_FAILURE'
    proof client.log 'IKE_SA home\[2\] established between'
    proof client.log 'received INTERNAL_ADDRESS_FAILURE notify, no CHILD_SA built'
    proof_frames client.pcap 'isakmp.exchangetype == 35 && isakmp.flags & 0x20 && isakmp.notify.msgtype == 36' 1 1
}
