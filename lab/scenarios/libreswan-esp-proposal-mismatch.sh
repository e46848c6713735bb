DESCRIPTION="Libreswan (pluto) gateway, strongSwan client; the IKE SA is fine but no common ESP proposal"
HOW="client esp_proposals aes128gcm16, pluto esp=aes256-sha2_256"
TOPO=direct
AUTH=psk
HOST_EXPECT_G="kernel-refuses-esp"   # pluto installs SAs in the kernel's XFRM, which lacks ESP here
IMPL_G=libreswan
ESP_PROPOSALS_C=aes128gcm16
pluto_conf_gateway() { pluto_gateway_conf_default; }
pluto_secrets_gateway() { pluto_gateway_secrets_default; }
TRUTH_OUTCOME=failed
TRUTH_PHASE=CHILD_SA
TRUTH_CATEGORY=proposal-esp
TRUTH_ROOT_CAUSE="no common ESP proposal: the strongSwan client offers AES_GCM_16_128, the Libreswan gateway accepts only AES_CBC_256/HMAC_SHA2_256; the IKE SA is authenticated but no CHILD_SA is built"
scenario_proofs() {
    proof client.log 'NO_PROPOSAL_CHOSEN'
}
