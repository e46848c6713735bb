DESCRIPTION="Same ciphers, but no common Diffie-Hellman group: the client offers only MODP_2048, the gateway only ECP_384"
HOW="client proposals aes256-sha256-modp2048, gateway aes256-sha256-ecp384"
TOPO=direct
AUTH=psk
IKE_PROPOSALS_C=aes256-sha256-modp2048
IKE_PROPOSALS_G=aes256-sha256-ecp384
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_SA_INIT
TRUTH_CATEGORY=proposal-dh
TRUTH_ROOT_CAUSE="no common Diffie-Hellman group: the client offers only MODP_2048, the gateway accepts only ECP_384"
scenario_proofs() {
    proof gateway.log 'received proposals: IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048'
    proof gateway.log 'configured proposals: IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/ECP_384'
    proof gateway.log 'received proposals unacceptable'
    proof client.log 'received NO_PROPOSAL_CHOSEN notify error'
    proof_frames client.pcap 'isakmp.notify.msgtype == 14' 1
}
