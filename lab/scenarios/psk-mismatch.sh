DESCRIPTION="The client and the gateway hold different pre-shared keys"
HOW="PSK of the client differs from the gateway's"
TOPO=direct
AUTH=psk
PSK_C=ikelab-wrong-secret-2
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_AUTH
TRUTH_CATEGORY=auth-psk
TRUTH_ROOT_CAUSE="the pre-shared keys differ: the gateway cannot verify the client's AUTH payload (MAC mismatch)"
scenario_proofs() {
    proof gateway.log "tried 1 shared key for 'gateway\.ikelab\.test' - 'client\.ikelab\.test', but MAC mismatched"
    proof gateway.log 'generating IKE_AUTH response 1 \[ N\(AUTH_FAILED\) \]'
    proof client.log 'received AUTHENTICATION_FAILED notify error'
    proof_absent client.log 'CHILD_SA net\{1\} established'
    proof_frames client.pcap 'isakmp.exchangetype == 35 && isakmp.flags & 0x20' 1
    proof_frames client.pcap 'isakmp.exchangetype == 35 && isakmp.flags & 0x20 && isakmp.notify.msgtype == 24' 1 1
}
