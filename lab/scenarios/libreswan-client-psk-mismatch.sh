DESCRIPTION="Libreswan (pluto) client, strongSwan gateway; the pre-shared keys differ"
HOW="pluto's ipsec.secrets holds another PSK than the gateway's swanctl.conf"
TOPO=direct
AUTH=psk
IMPL_C=libreswan
PSK_C=ikelab-wrong-secret-2
LS_RETRANSMIT_TIMEOUT_C=6s
pluto_conf_client() { pluto_client_psk_conf_default; }
pluto_secrets_client() { pluto_client_psk_secrets_default; }
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_AUTH
TRUTH_CATEGORY=auth-psk
TRUTH_ROOT_CAUSE="the pre-shared keys differ: the strongSwan gateway cannot verify the Libreswan client's PSK AUTH payload (MAC mismatch)"
scenario_proofs() {
    proof gateway.log "but MAC mismatched"
    proof client.log 'AUTHENTICATION_FAILED'
}
