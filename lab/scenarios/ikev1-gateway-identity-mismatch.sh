DESCRIPTION="IKEv1 Main Mode on both peers, and the gateway presents an identity the client does not expect (PSK): the client refuses the gateway"
HOW="both connections version = 1; client remote id vpn.ikelab.test, the gateway's id is gateway.ikelab.test"
TOPO=direct
AUTH=psk
VERSION_C=1
VERSION_G=1
REMOTE_ID_C=vpn.ikelab.test
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_AUTH
TRUTH_CATEGORY=auth-id
TRUTH_ROOT_CAUSE="the gateway's identity (gateway.ikelab.test) is not the one the client's connection expects (vpn.ikelab.test)"
scenario_proofs() {
    proof client.log "IDir 'gateway\.ikelab\.test' does not match to 'vpn\.ikelab\.test'"
    proof client.log 'sending DELETE for IKE_SA home\[1\]'
    proof gateway.log 'IKE_SA rw\[1\] established between'
    proof gateway.log 'received DELETE for IKE_SA rw\[1\]'
    proof_absent client.log 'IKE_SA home\[1\] established between'
    proof_frames client.pcap 'isakmp.exchangetype == 5' 1
}
