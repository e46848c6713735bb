DESCRIPTION="The gateway asks for EAP-MD5; the client is set up for EAP-MSCHAPv2 only and refuses it"
HOW="the gateway's remote round is auth = eap-md5 (eap-md5 loaded), the client's local round auth = eap-mschapv2"
TOPO=direct
AUTH=eap
ID_C=alice
REMOTE_ID_G=%any
EAP_METHOD_G=md5
PLUGINS_G="$SWAN_PLUGINS_BASE eap-md5 kernel-libipsec kernel-netlink"
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_AUTH
TRUTH_CATEGORY=auth-eap
TRUTH_ROOT_CAUSE="the two ends are set up for different EAP methods: the gateway requests EAP-MD5, the client only does EAP-MSCHAPv2, answers with an EAP-Nak, and the gateway gives up"
scenario_proofs() {
    proof client.log "authentication of 'gateway\.ikelab\.test' with ECDSA_WITH_SHA256_DER successful"
    proof client.log 'server requested EAP_MD5 authentication'
    proof client.log 'requesting EAP_MSCHAPV2 authentication, sending EAP_NAK'
    proof gateway.log 'received EAP_NAK, sending EAP_FAILURE'
    proof_frames client.pcap 'isakmp.exchangetype == 35' 6 6
    proof_absent client.log 'CHILD_SA net\{1\} established'
}
