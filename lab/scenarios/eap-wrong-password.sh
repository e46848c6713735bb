DESCRIPTION="EAP-MSCHAPv2 with a wrong password"
HOW="the client's EAP secret for alice differs from the gateway's"
TOPO=direct
AUTH=eap
ID_C=alice
REMOTE_ID_G=%any
EAP_PASS_C=alice-old-password
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_AUTH
TRUTH_CATEGORY=auth-eap
TRUTH_ROOT_CAUSE="the EAP-MSCHAPv2 password of user alice is wrong: the gateway rejects the MSCHAPv2 response and the client gives up with AUTHENTICATION_FAILED"
scenario_proofs() {
    proof client.log "authentication of 'gateway\.ikelab\.test' with ECDSA_WITH_SHA256_DER successful"
    proof gateway.log 'EAP-MS-CHAPv2 verification failed, retry \(1\)'
    proof client.log 'EAP-MS-CHAPv2 failed with error ERROR_AUTHENTICATION_FAILURE'
    proof client.log 'EAP_MSCHAPV2 method failed'
    proof gateway.log 'parsed INFORMATIONAL request [0-9]+ \[ N\(AUTH_FAILED\) \]'
    proof_absent client.log 'CHILD_SA net\{1\} established'
    proof_frames client.pcap 'isakmp.exchangetype == 37 && !(isakmp.flags & 0x20) && isakmp.notify.msgtype == 24' 1 1
}
