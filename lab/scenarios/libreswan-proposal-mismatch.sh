DESCRIPTION="Libreswan (pluto) gateway, strongSwan client; no common IKE proposal"
HOW="client proposals aes128-sha1-modp2048, pluto ike=aes256-sha2_256;modp2048"
TOPO=direct
AUTH=psk
IMPL_G=libreswan
IKE_PROPOSALS_C=aes128-sha1-modp2048
LS_IKE_G="aes256-sha2_256;modp2048"
pluto_conf_gateway() { pluto_gateway_conf_default; }
pluto_secrets_gateway() { pluto_gateway_secrets_default; }
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_SA_INIT
TRUTH_CATEGORY=proposal-ike
TRUTH_ROOT_CAUSE="no common IKE proposal: the client offers AES_CBC_128/HMAC_SHA1, the Libreswan gateway accepts only AES_CBC_256/HMAC_SHA2_256"
scenario_proofs() {
    proof gateway.log 'no local proposal matches remote proposals'
    proof client.log 'received NO_PROPOSAL_CHOSEN notify error'
    proof_frames client.pcap 'isakmp.notify.msgtype == 14' 1
}
