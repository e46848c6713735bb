DESCRIPTION="The gateway only has an IKEv1 connection; the client speaks IKEv2"
HOW="gateway connection version = 1, client version = 2"
TOPO=direct
AUTH=psk
VERSION_G=1
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_SA_INIT
TRUTH_CATEGORY=config-other
TRUTH_ROOT_CAUSE="IKE version mismatch: the gateway has only an IKEv1 connection, so it finds no IKEv2 config and answers NO_PROPOSAL_CHOSEN"
scenario_proofs() {
    proof gateway.log 'no IKE config found for 10\.99\.2\.2\.\.\.10\.99\.2\.3, sending NO_PROPOSAL_CHOSEN'
    proof client.log 'received NO_PROPOSAL_CHOSEN notify error'
    proof_frames client.pcap 'isakmp.notify.msgtype == 14' 1
}
