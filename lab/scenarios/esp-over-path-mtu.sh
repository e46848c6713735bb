DESCRIPTION="The tunnel is up and small packets pass, but full-size packets become ESP datagrams larger than the path MTU and vanish (PMTUD black hole)"
HOW="router link toward the gateway has MTU 1280 and the router's ICMP 'fragmentation needed' messages are dropped; ESP-in-UDP leaves the client with DF set"
TOPO=router
AUTH=psk
HOST_EXPECT_G="small-mtu forwarding-off"   # its link toward the router has an MTU of 1280
MTU_GATEWAY=1280
TRUTH_OUTCOME=failed
TRUTH_PHASE=ESTABLISHED
TRUTH_CATEGORY=mtu-fragmentation
TRUTH_ROOT_CAUSE="ESP packets of full-size traffic exceed the 1280-byte path MTU; the router cannot forward them and its ICMP fragmentation-needed never reaches the client (PMTUD black hole)"
scenario_setup() {
    nft_apply "$NS_R" <<'NFT'
table inet filter {
    chain output {
        type filter hook output priority filter; policy accept;
        icmp type destination-unreachable icmp code frag-needed drop
    }
}
NFT
}
scenario_run() {
    client_initiate
    client_traffic 3 56 >"$OUT/client-traffic.txt"
    client_traffic 3 1300 >"$OUT/client-traffic-large.txt"
}
scenario_proofs() {
    proof client.log 'CHILD_SA net\{1\} established with SPIs'
    proof client-traffic.txt ' 0% packet loss'
    proof client-traffic-large.txt ' 100% packet loss'
    proof_absent client.log 'giving up|unable to|failed'
    proof_frames client.pcap 'esp && ip.len > 1280 && ip.flags.df == 1' 3
    proof_frames gateway.pcap 'esp && ip.len > 1280' 0 0
    proof_frames client.pcap 'icmp.type == 3' 0 0
}
