DESCRIPTION="IKEv1 Main Mode on both peers, and the client presents an identity the gateway does not expect (PSK)"
HOW="both connections version = 1; client id laptop.ikelab.test, gateway connection expects client.ikelab.test"
TOPO=direct
AUTH=psk
VERSION_C=1
VERSION_G=1
ID_C=laptop.ikelab.test
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_AUTH
TRUTH_CATEGORY=auth-id
TRUTH_ROOT_CAUSE="the client's identity (laptop.ikelab.test) matches no connection on the gateway, which expects client.ikelab.test"
scenario_proofs() {
    proof gateway.log 'looking for pre-shared key peer configs matching 10\.99\.2\.2\.\.\.10\.99\.2\.3\[laptop\.ikelab\.test\]'
    proof gateway.log 'no peer config found'
    proof gateway.log 'generating INFORMATIONAL_V1 request [0-9]+ \[ HASH N\(AUTH_FAILED\) \]'
    proof client.log 'received AUTHENTICATION_FAILED error notify'
    proof_absent gateway.log 'decryption failed'
    proof_frames client.pcap 'isakmp.exchangetype == 5' 1 1
}
