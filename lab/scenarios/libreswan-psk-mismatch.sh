DESCRIPTION="Libreswan (pluto) gateway, strongSwan client; the pre-shared keys differ"
HOW="pluto's ipsec.secrets holds another PSK than the client's swanctl.conf"
TOPO=direct
AUTH=psk
HOST_EXPECT_G="kernel-refuses-esp"   # pluto installs SAs in the kernel's XFRM, which lacks ESP here
IMPL_G=libreswan
PSK_C=ikelab-wrong-secret-2
pluto_conf_gateway() { pluto_gateway_conf_default; }
pluto_secrets_gateway() { pluto_gateway_secrets_default; }
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_AUTH
TRUTH_CATEGORY=auth-psk
TRUTH_ROOT_CAUSE="the pre-shared keys differ: the Libreswan gateway cannot verify the client's PSK AUTH payload"
scenario_proofs() {
    proof gateway.log "authentication failed: computed hash does not match hash received from peer ID_FQDN '@client\.ikelab\.test'"
    proof gateway.log 'responding to IKE_AUTH message \(ID 1\) from 10\.99\.2\.3:4500 with encrypted notification AUTHENTICATION_FAILED'
    proof client.log 'received AUTHENTICATION_FAILED notify error'
    proof_frames client.pcap 'isakmp.exchangetype == 35 && isakmp.flags & 0x20 && isakmp.notify.msgtype == 24' 1 1
}
