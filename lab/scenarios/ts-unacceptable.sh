DESCRIPTION="The client asks for a remote network the gateway does not offer"
HOW="client remote_ts 10.99.50.0/24, gateway local_ts 10.99.100.0/24"
TOPO=direct
AUTH=psk
TS_REMOTE_C=10.99.50.0/24
TRUTH_OUTCOME=failed
TRUTH_PHASE=CHILD_SA
TRUTH_CATEGORY=traffic-selectors
TRUTH_ROOT_CAUSE="traffic selectors unacceptable: the client asks for 10.99.50.0/24, the gateway only offers 10.99.100.0/24"
scenario_proofs() {
    proof gateway.log 'traffic selectors .* unacceptable'
    proof client.log 'IKE_SA home\[1\] established between'
    proof client.log 'received TS_UNACCEPTABLE notify, no CHILD_SA built'
    proof_frames client.pcap 'isakmp.exchangetype == 35 && isakmp.flags & 0x20 && isakmp.typepayload == 39 && isakmp.notify.msgtype == 38' 1 1
}
