DESCRIPTION="No common IKE SA proposal: the client offers AES-128/SHA-1, the gateway wants AES-256/SHA-256"
HOW="client proposals aes128-sha1-modp2048, gateway aes256-sha256-modp2048"
TOPO=direct
AUTH=psk
IKE_PROPOSALS_C=aes128-sha1-modp2048
IKE_PROPOSALS_G=aes256-sha256-modp2048
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_SA_INIT
TRUTH_CATEGORY=proposal-ike
TRUTH_ROOT_CAUSE="no common IKE proposal: the client offers AES_CBC_128/HMAC_SHA1 while the gateway accepts only AES_CBC_256/HMAC_SHA2_256"
scenario_proofs() {
    proof gateway.log 'received proposals: IKE:AES_CBC_128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_2048'
    proof gateway.log 'configured proposals: IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048'
    proof gateway.log 'received proposals unacceptable'
    proof client.log 'received NO_PROPOSAL_CHOSEN notify error'
    proof_frames client.pcap 'isakmp.notify.msgtype == 14' 1
}
