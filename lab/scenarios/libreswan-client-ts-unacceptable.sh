DESCRIPTION="Libreswan (pluto) client, strongSwan gateway; the client asks for a remote network the gateway does not offer"
HOW="pluto rightsubnet=10.99.50.0/24, gateway local_ts 10.99.100.0/24"
TOPO=direct
AUTH=psk
IMPL_C=libreswan
LS_PFS_C=no
LS_RETRANSMIT_TIMEOUT_C=6s
LS_RIGHTSUBNET_C=10.99.50.0/24
pluto_conf_client() { pluto_client_psk_conf_default; }
pluto_secrets_client() { pluto_client_psk_secrets_default; }
TRUTH_OUTCOME=failed
TRUTH_PHASE=CHILD_SA
TRUTH_CATEGORY=traffic-selectors
TRUTH_ROOT_CAUSE="traffic selectors unacceptable: the Libreswan client asks for 10.99.50.0/24, the strongSwan gateway only offers 10.99.100.0/24"
scenario_proofs() {
    proof gateway.log 'traffic selectors .* unacceptable|no acceptable traffic selectors'
    proof client.log 'TS_UNACCEPTABLE'
}
