DESCRIPTION="IKEv1 on both peers: Main Mode completes, but Quick Mode finds no common ESP proposal (the client offers AES-GCM-128, the gateway wants AES-256/SHA-256)"
HOW="both connections version = 1; client esp_proposals aes128gcm16, gateway esp_proposals aes256-sha256"
TOPO=direct
AUTH=psk
VERSION_C=1
VERSION_G=1
ESP_PROPOSALS_C=aes128gcm16
ESP_PROPOSALS_G=aes256-sha256
TRUTH_OUTCOME=failed
TRUTH_PHASE=CHILD_SA
TRUTH_CATEGORY=proposal-esp
TRUTH_ROOT_CAUSE="no common ESP proposal in Quick Mode: the client offers AES_GCM_16_128, the gateway accepts only AES_CBC_256/HMAC_SHA2_256"
scenario_proofs() {
    proof gateway.log 'received proposals: ESP:AES_GCM_16_128/NO_EXT_SEQ'
    proof gateway.log 'configured proposals: ESP:AES_CBC_256/HMAC_SHA2_256_128/NO_EXT_SEQ'
    proof gateway.log 'no matching proposal found, sending NO_PROPOSAL_CHOSEN'
    proof client.log 'IKE_SA home\[1\] established between'
    proof client.log 'received NO_PROPOSAL_CHOSEN error notify'
    proof_absent client.log 'CHILD_SA net\{1\} established'
    proof_frames client.pcap 'isakmp.exchangetype == 32' 1
}
