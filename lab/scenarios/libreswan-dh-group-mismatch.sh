DESCRIPTION="Libreswan (pluto) gateway, strongSwan client; same ciphers, but no common Diffie-Hellman group"
HOW="client proposals aes256-sha256-modp2048, pluto ike=aes256-sha2_256;dh20"
TOPO=direct
AUTH=psk
HOST_EXPECT_G="kernel-refuses-esp"   # pluto installs SAs in the kernel's XFRM, which lacks ESP here
IMPL_G=libreswan
IKE_PROPOSALS_C=aes256-sha256-modp2048
LS_IKE_G="aes256-sha2_256;dh20"
pluto_conf_gateway() { pluto_gateway_conf_default; }
pluto_secrets_gateway() { pluto_gateway_secrets_default; }
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_SA_INIT
TRUTH_CATEGORY=proposal-dh
TRUTH_ROOT_CAUSE="no common Diffie-Hellman group: the strongSwan client offers only MODP_2048, the Libreswan gateway accepts only ECP_384 (dh20)"
scenario_proofs() {
    proof client.log 'NO_PROPOSAL_CHOSEN|INVALID_KE_PAYLOAD'
}
