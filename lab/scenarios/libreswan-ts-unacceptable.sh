DESCRIPTION="Libreswan (pluto) gateway, strongSwan client; the client asks for a network the gateway does not offer"
HOW="client remote_ts 10.99.50.0/24, pluto leftsubnet=10.99.100.0/24 (narrowing=no)"
TOPO=direct
AUTH=psk
IMPL_G=libreswan
TS_REMOTE_C=10.99.50.0/24
LS_PLUTODEBUG_G=all
pluto_conf_gateway() { pluto_gateway_conf_default; }
pluto_secrets_gateway() { pluto_gateway_secrets_default; }
TRUTH_OUTCOME=failed
TRUTH_PHASE=CHILD_SA
TRUTH_CATEGORY=traffic-selectors
TRUTH_ROOT_CAUSE="traffic selectors unacceptable: the client asks for 10.99.50.0/24, the Libreswan gateway only offers 10.99.100.0/24"
scenario_proofs() {
    proof gateway.log 'TS_UNACCEPTABLE|Traffic Selectors'
    proof client.log 'received TS_UNACCEPTABLE notify'
}
