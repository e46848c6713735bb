DESCRIPTION="Client behind NAT with NAT keepalives and DPD off; the router's UDP mapping expires while the tunnel is idle, so the gateway's later CHILD_SA rekey never reaches the client"
HOW="masquerading router with nf_conntrack_udp_timeout(_stream)=3 s that silently drops unmapped UDP; client keep_alive=0, no DPD; gateway rekeys the CHILD_SA after 8 s"
TOPO=nat
AUTH=psk
SWAN_EXTRA_C="    keep_alive = 0"
CHILD_REKEY_G=8s
CHILD_EXTRA_G="rand_time = 0
                life_time = 60s"
TRUTH_OUTCOME=failed
TRUTH_PHASE=ESTABLISHED
TRUTH_CATEGORY=nat
TRUTH_ROOT_CAUSE="the NAT mapping of the idle tunnel expired (no keepalives, no DPD): the gateway's CREATE_CHILD_SA rekey is dropped at the NAT and the gateway gives up and deletes the SAs"
scenario_setup() {
    nsx "$NS_R" sysctl -qw net.netfilter.nf_conntrack_udp_timeout=3 net.netfilter.nf_conntrack_udp_timeout_stream=3
    firewall_drops_ike "$NS_R"
}
scenario_run() {
    client_initiate
    client_traffic 2 56 >"$OUT/client-traffic.txt"
    # idle: the mapping expires after 3 s, the gateway rekeys at 8 s and gives up about 7 s later (margin: 4 s)
    sleep 19
    client_traffic 2 56 >"$OUT/client-traffic-after-idle.txt"
}
scenario_proofs() {
    proof client.log 'local host is behind NAT, sending keep alives'
    proof client.log 'CHILD_SA net\{1\} established with SPIs'
    proof client-traffic.txt ' 0% packet loss'
    proof gateway.log 'generating CREATE_CHILD_SA request 0 \[ N\(REKEY_SA\)'
    proof gateway.log 'retransmit 3 of request with message ID 0'
    proof gateway.log 'giving up after 3 retransmits'
    proof_absent client.log 'CREATE_CHILD_SA request 0'
    proof client-traffic-after-idle.txt ' 100% packet loss'
    proof_frames gateway.pcap 'ip.dst == 10.99.2.1 && isakmp.exchangetype == 36' 4
    proof_frames client.pcap 'isakmp.exchangetype == 36' 0 0
}
