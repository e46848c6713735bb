DESCRIPTION="The client presents an identity the gateway does not expect (PSK)"
HOW="client id laptop.ikelab.test, gateway connection expects client.ikelab.test"
TOPO=direct
AUTH=psk
ID_C=laptop.ikelab.test
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_AUTH
TRUTH_CATEGORY=auth-id
TRUTH_ROOT_CAUSE="the client's identity (laptop.ikelab.test) matches no connection on the gateway, which expects client.ikelab.test"
scenario_proofs() {
    proof gateway.log 'looking for peer configs matching 10\.99\.2\.2\[gateway\.ikelab\.test\]\.\.\.10\.99\.2\.3\[laptop\.ikelab\.test\]'
    proof gateway.log 'no matching peer config found'
    proof client.log 'received AUTHENTICATION_FAILED notify error'
    proof_absent gateway.log 'MAC mismatched'
    proof_frames client.pcap 'isakmp.exchangetype == 35 && isakmp.flags & 0x20 && isakmp.notify.msgtype == 24' 1 1
}
