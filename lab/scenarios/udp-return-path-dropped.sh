DESCRIPTION="The gateway answers, but a router drops the answers on the way back"
HOW="router forward chain drops UDP from the gateway with source port 500/4500"
TOPO=router
AUTH=psk
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_SA_INIT
TRUTH_CATEGORY=udp-blocked
TRUTH_ROOT_CAUSE="the return path drops the gateway's UDP 500 responses: the gateway answers every retransmit, the client never sees an answer"
scenario_setup() {
    nft_apply "$NS_R" <<'NFT'
table inet filter {
    chain forward {
        type filter hook forward priority filter; policy accept;
        ip saddr 10.99.2.2 udp sport { 500, 4500 } drop
    }
}
NFT
}
scenario_proofs() {
    proof client.log 'giving up after 3 retransmits'
    proof client.log 'establishing IKE_SA failed, peer not responding'
    proof gateway.log 'received retransmit of request with ID 0, retransmitting response'
    proof_frames gateway.pcap 'isakmp.exchangetype == 34 && isakmp.flags & 0x20' 4
    proof_frames client.pcap 'isakmp.flags & 0x20' 0 0
}
