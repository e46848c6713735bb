DESCRIPTION="Libreswan (pluto) client, strongSwan gateway; the gateway's firewall drops UDP 500 and 4500"
HOW="nftables on the gateway: input udp dport {500, 4500} drop; pluto retransmits IKE_SA_INIT and gives up"
TOPO=direct
AUTH=psk
IMPL_C=libreswan
LS_PFS_C=no
LS_RETRANSMIT_TIMEOUT_C=6s
HOST_EXPECT_G="firewall-drops-ike forwarding-off"
HOST_PEER_G=10.99.2.3
pluto_conf_client() { pluto_client_psk_conf_default; }
pluto_secrets_client() { pluto_client_psk_secrets_default; }
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_SA_INIT
TRUTH_CATEGORY=udp-blocked
TRUTH_ROOT_CAUSE="the gateway's firewall drops UDP 500/4500, so the Libreswan client's IKE_SA_INIT is never answered"
scenario_setup() {
    firewall_drops_ike "$NS_G"
}
scenario_proofs() {
    proof client.log 'STATE_V2_PARENT_I1: retransmission'
    proof_absent gateway.log 'received packet'
}
