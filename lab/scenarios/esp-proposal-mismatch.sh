DESCRIPTION="The IKE SA is fine but no common ESP proposal: the client offers AES-GCM-128, the gateway wants AES-256/SHA-256"
HOW="client esp_proposals aes128gcm16, gateway esp_proposals aes256-sha256"
TOPO=direct
AUTH=psk
ESP_PROPOSALS_C=aes128gcm16
ESP_PROPOSALS_G=aes256-sha256
TRUTH_OUTCOME=failed
TRUTH_PHASE=CHILD_SA
TRUTH_CATEGORY=proposal-esp
TRUTH_ROOT_CAUSE="no common ESP proposal: the client offers AES_GCM_16_128, the gateway accepts only AES_CBC_256/HMAC_SHA2_256; the IKE SA is authenticated but no CHILD_SA is built"
scenario_proofs() {
    proof gateway.log 'no acceptable proposal found'
    proof gateway.log 'failed to establish CHILD_SA, keeping IKE_SA'
    proof client.log 'IKE_SA home\[1\] established between'
    proof client.log 'received NO_PROPOSAL_CHOSEN notify, no CHILD_SA built'
    proof_frames client.pcap 'isakmp.exchangetype == 35 && isakmp.flags & 0x20 && isakmp.typepayload == 39 && isakmp.notify.msgtype == 14' 1 1
}
