DESCRIPTION="The gateway's firewall drops UDP 500 and 4500"
HOW="nftables on the gateway: input udp dport {500, 4500} drop"
TOPO=direct
AUTH=psk
HOST_EXPECT_G="firewall-drops-ike forwarding-off"   # the rule that drops the client's UDP 500 and 4500
HOST_PEER_G=10.99.2.3
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_SA_INIT
TRUTH_CATEGORY=udp-blocked
TRUTH_ROOT_CAUSE="the gateway's firewall drops UDP 500/4500, so IKE_SA_INIT is never answered"
scenario_setup() {
    firewall_drops_ike "$NS_G"
}
scenario_proofs() {
    proof client.log 'retransmit 3 of request with message ID 0'
    proof client.log 'giving up after 3 retransmits'
    proof client.log 'establishing IKE_SA failed, peer not responding'
    proof_absent gateway.log 'is initiating an IKE_SA'
    proof_frames gateway.pcap 'isakmp.exchangetype == 34 && !(isakmp.flags & 0x20)' 4
    proof_frames client.pcap 'isakmp.flags & 0x20' 0 0
}
