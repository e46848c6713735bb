DESCRIPTION="The client's first key exchange guess (MODP_2048) is not the gateway's group: INVALID_KE_PAYLOAD, then a successful retry with ECP_256"
HOW="client proposals aes256-sha256-modp2048-ecp256 (sends a MODP_2048 KE), gateway only aes256-sha256-ecp256"
TOPO=direct
AUTH=psk
IKE_PROPOSALS_C=aes256-sha256-modp2048-ecp256
IKE_PROPOSALS_G=aes256-sha256-ecp256
TRUTH_OUTCOME=established
TRUTH_ROOT_CAUSE="none: the gateway answers INVALID_KE_PAYLOAD asking for ECP_256, the client retries with that group and the SAs are established"
scenario_proofs() {
    proof gateway.log 'DH group MODP_2048 unacceptable, requesting ECP_256'
    proof client.log "peer didn't accept DH group MODP_2048, it requested ECP_256"
    proof client.log 'CHILD_SA net\{1\} established with SPIs'
    proof client-traffic.txt ' 0% packet loss'
    proof_frames client.pcap 'isakmp.notify.msgtype == 17' 1 1
}
