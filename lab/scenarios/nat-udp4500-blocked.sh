DESCRIPTION="Client behind NAT; UDP 500 passes but UDP 4500 is blocked, so IKE_AUTH (sent to 4500 after NAT detection) is lost"
HOW="masquerading router whose forward chain drops udp dport 4500"
TOPO=nat
AUTH=psk
POST_WAIT=3
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_AUTH
TRUTH_CATEGORY=nat
TRUTH_ROOT_CAUSE="NAT is detected and IKE moves to UDP 4500, which the router blocks: IKE_AUTH never reaches the gateway"
scenario_setup() {
    nft_apply "$NS_R" <<'NFT'
table inet filter {
    chain forward {
        type filter hook forward priority filter; policy accept;
        udp dport 4500 drop
    }
}
NFT
}
scenario_proofs() {
    proof client.log 'local host is behind NAT, sending keep alives'
    proof client.log 'sending packet: from 10\.99\.1\.2\[4500\] to 10\.99\.2\.2\[4500\]'
    proof client.log 'retransmit 3 of request with message ID 1'
    proof client.log 'giving up after 3 retransmits'
    proof gateway.log 'deleting half open IKE_SA with 10\.99\.2\.1 after timeout'
    proof_frames client.pcap 'udp.dstport == 4500 && isakmp.exchangetype == 35' 4
    proof_frames gateway.pcap 'udp.port == 4500' 0 0
}
