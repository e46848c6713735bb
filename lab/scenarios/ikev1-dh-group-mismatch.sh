DESCRIPTION="IKEv1 Main Mode on both peers, same ciphers but no common Diffie-Hellman group: the client offers only MODP_2048, the gateway only ECP_384"
HOW="both connections version = 1; client proposals aes256-sha256-modp2048, gateway aes256-sha256-ecp384"
TOPO=direct
AUTH=psk
VERSION_C=1
VERSION_G=1
IKE_PROPOSALS_C=aes256-sha256-modp2048
IKE_PROPOSALS_G=aes256-sha256-ecp384
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_SA_INIT
TRUTH_CATEGORY=proposal-dh
TRUTH_ROOT_CAUSE="no common Diffie-Hellman group in Phase 1: the client offers only MODP_2048, the gateway accepts only ECP_384"
scenario_proofs() {
    proof gateway.log 'no acceptable KEY_EXCHANGE_METHOD found'
    proof gateway.log 'received proposals: IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048'
    proof gateway.log 'configured proposals: IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/ECP_384'
    proof gateway.log 'no proposal found'
    proof client.log 'received NO_PROPOSAL_CHOSEN error notify'
    proof_frames client.pcap 'isakmp.notify.msgtype == 14' 1 1
}
