DESCRIPTION="IKEv1 on both peers: Main Mode completes, but the client asks Quick Mode for a subnet the gateway does not offer"
HOW="both connections version = 1; client remote_ts 10.99.101.0/24, gateway local_ts 10.99.100.0/24"
TOPO=direct
AUTH=psk
VERSION_C=1
VERSION_G=1
TS_REMOTE_C=10.99.101.0/24
TRUTH_OUTCOME=failed
TRUTH_PHASE=CHILD_SA
TRUTH_CATEGORY=traffic-selectors
TRUTH_ROOT_CAUSE="the client's Quick Mode asks for 10.99.101.0/24, which no connection of the gateway covers (it offers 10.99.100.0/24)"
scenario_proofs() {
    proof gateway.log 'no matching CHILD_SA config found for 10\.99\.200\.1/32 === 10\.99\.101\.0/24'
    proof gateway.log 'generating INFORMATIONAL_V1 request [0-9]+ \[ HASH N\(INVAL_ID\) \]'
    proof client.log 'IKE_SA home\[1\] established between'
    proof client.log 'received INVALID_ID_INFORMATION error notify'
    proof_absent client.log 'CHILD_SA net\{1\} established'
    proof_frames client.pcap 'isakmp.exchangetype == 32' 1
}
