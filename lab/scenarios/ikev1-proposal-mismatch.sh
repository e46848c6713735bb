DESCRIPTION="IKEv1 Main Mode on both peers, and no common Phase 1 proposal: the client offers AES-128/SHA-1, the gateway wants AES-256/SHA-256"
HOW="both connections version = 1; client proposals aes128-sha1-modp2048, gateway aes256-sha256-modp2048"
TOPO=direct
AUTH=psk
VERSION_C=1
VERSION_G=1
IKE_PROPOSALS_C=aes128-sha1-modp2048
IKE_PROPOSALS_G=aes256-sha256-modp2048
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_SA_INIT
TRUTH_CATEGORY=proposal-ike
TRUTH_ROOT_CAUSE="no common Phase 1 proposal: the client offers AES_CBC_128/HMAC_SHA1 while the gateway accepts only AES_CBC_256/HMAC_SHA2_256"
scenario_proofs() {
    proof gateway.log 'no acceptable ENCRYPTION_ALGORITHM found'
    proof gateway.log 'received proposals: IKE:AES_CBC_128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_2048'
    proof gateway.log 'configured proposals: IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048'
    proof gateway.log 'no proposal found'
    proof client.log 'received NO_PROPOSAL_CHOSEN error notify'
    proof_frames client.pcap 'isakmp.notify.msgtype == 14' 1 1
}
