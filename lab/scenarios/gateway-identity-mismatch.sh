DESCRIPTION="The client expects another identity of the gateway than the gateway has (IKEv2, PSK): the client's IDr names no connection on the gateway"
HOW="client remote id vpn.ikelab.test, the gateway's id is gateway.ikelab.test"
TOPO=direct
AUTH=psk
REMOTE_ID_C=vpn.ikelab.test
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_AUTH
TRUTH_CATEGORY=auth-id
TRUTH_ROOT_CAUSE="the client's connection expects the gateway to be vpn.ikelab.test, but the gateway's identity is gateway.ikelab.test"
scenario_proofs() {
    proof gateway.log 'looking for peer configs matching 10\.99\.2\.2\[vpn\.ikelab\.test\]'
    proof client.log 'received AUTHENTICATION_FAILED notify error'
}
