DESCRIPTION="Libreswan (pluto) gateway whose only connection is IKEv1; the strongSwan client speaks IKEv2"
HOW="pluto with ikev1-policy=accept and its conn ikev2=no (IKEv1 only); client version = 2"
TOPO=direct
AUTH=psk
IMPL_G=libreswan
LS_IKEV2_G=no
LS_SETUP_EXTRA_G="ikev1-policy=accept"
pluto_conf_gateway() { pluto_gateway_conf_default; }
pluto_secrets_gateway() { pluto_gateway_secrets_default; }
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_SA_INIT
TRUTH_CATEGORY=config-other
TRUTH_ROOT_CAUSE="IKE version mismatch: the Libreswan gateway only has an IKEv1 connection for the client's IKEv2 IKE_SA_INIT"
scenario_proofs() {
    proof gateway.log '"rw": added IKEv1 connection'
    proof gateway.log 'ISAKMP_v2_IKE_SA_INIT message received on 10\.99\.2\.2:500 but no suitable connection found with IKEv2 policy'
    proof gateway.log 'responding to IKE_SA_INIT \(34\) message \(Message ID 0\) with unencrypted notification NO_PROPOSAL_CHOSEN'
    proof client.log 'received NO_PROPOSAL_CHOSEN notify error'
    proof_frames client.pcap 'isakmp.notify.msgtype == 14' 1
}
