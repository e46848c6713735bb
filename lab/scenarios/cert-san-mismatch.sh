DESCRIPTION="The client expects the gateway as vpn.ikelab.test, but the gateway's certificate only names gateway.ikelab.test"
HOW="client remote id vpn.ikelab.test; gateway uses id vpn.ikelab.test with a certificate whose only SAN is gateway.ikelab.test"
TOPO=direct
AUTH=cert
REMOTE_ID_C=vpn.ikelab.test
ID_G=vpn.ikelab.test
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_AUTH
TRUTH_CATEGORY=auth-id
TRUTH_ROOT_CAUSE="the identity the client expects (vpn.ikelab.test) is not in the gateway certificate's subjectAltName (gateway.ikelab.test)"
scenario_proofs() {
    proof client.log "no trusted ECDSA public key found for 'vpn\.ikelab\.test'"
    proof gateway.log 'parsed INFORMATIONAL request 2 \[ N\(AUTH_FAILED\) \]'
    proof_frames client.pcap 'isakmp.exchangetype == 37 && !(isakmp.flags & 0x20) && isakmp.notify.msgtype == 24' 1 1
}
