DESCRIPTION="Another process already holds UDP 500 on the gateway when charon starts"
HOW="socat bound to UDP 500 in the gateway namespace before charon starts; it swallows IKE packets"
TOPO=direct
AUTH=psk
HOST_EXPECT_G="port-held-by-another-program daemon-without-socket forwarding-off"
scenario_setup() {
    start_bg squatter "$WORK/squatter.txt" ip netns exec "$NS_G" socat -u UDP4-RECV:500 OPEN:/dev/null
    sleep 0.3
}
scenario_proofs() {
    proof gateway.log 'unable to bind socket: Address already in use'
    proof gateway.log 'could not open IPv4 socket, IPv4 disabled'
    proof client.log 'giving up after 3 retransmits'
    proof client.log 'establishing IKE_SA failed, peer not responding'
    proof_absent gateway.log 'is initiating an IKE_SA'
    proof_frames gateway.pcap 'isakmp.exchangetype == 34 && !(isakmp.flags & 0x20)' 4
    proof_frames gateway.pcap 'isakmp.flags & 0x20' 0 0
}
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_SA_INIT
TRUTH_CATEGORY=implementation
TRUTH_ROOT_CAUSE="UDP port 500 on the gateway is held by another process, so charon cannot bind it and IKE_SA_INIT requests reach the wrong program"
