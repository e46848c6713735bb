DESCRIPTION="Libreswan (pluto) client, strongSwan gateway; the client presents an identity the gateway does not expect (PSK)"
HOW="pluto leftid=@laptop.ikelab.test, the gateway's connection expects client.ikelab.test"
TOPO=direct
AUTH=psk
IMPL_C=libreswan
LS_LEFTID_C=laptop.ikelab.test
LS_RETRANSMIT_TIMEOUT_C=6s
pluto_conf_client() { pluto_client_psk_conf_default; }
pluto_secrets_client() { pluto_client_psk_secrets_default; }
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_AUTH
TRUTH_CATEGORY=auth-id
TRUTH_ROOT_CAUSE="the Libreswan client's identity (laptop.ikelab.test) matches no connection on the strongSwan gateway, which expects client.ikelab.test"
scenario_proofs() {
    proof gateway.log 'no matching peer config found'
    proof client.log 'AUTHENTICATION_FAILED'
}
