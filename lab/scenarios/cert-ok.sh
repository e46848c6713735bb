DESCRIPTION="IKEv2 with X.509 certificates issued by a common CA (ECDSA P-256), both sides authenticate with certificates"
HOW="nothing broken: both peers trust the lab CA, identities are in the certificates' SANs"
TOPO=direct
AUTH=cert
TRUTH_OUTCOME=established
TRUTH_ROOT_CAUSE="none: the IKE SA and the CHILD_SA are established and traffic flows"
scenario_proofs() {
    proof gateway.log "authentication of 'client\.ikelab\.test' with ECDSA_WITH_SHA256_DER successful"
    proof client.log "authentication of 'gateway\.ikelab\.test' with ECDSA_WITH_SHA256_DER successful"
    proof client.log 'CHILD_SA net\{1\} established with SPIs'
    proof client-traffic.txt ' 0% packet loss'
    proof_frames client.pcap 'isakmp.exchangetype == 35 && isakmp.flags & 0x20' 1
}
