DESCRIPTION="Libreswan (pluto) client, strongSwan gateway; no common IKE proposal: pluto ignores the unauthenticated NO_PROPOSAL_CHOSEN and times out"
HOW="pluto ike=aes128-sha1;modp2048, gateway proposals aes256-sha256-modp2048; PSK"
TOPO=direct
AUTH=psk
IMPL_C=libreswan
LS_IKE_C="aes128-sha1;modp2048"
LS_RETRANSMIT_TIMEOUT_C=6s
pluto_conf_client() { pluto_client_psk_conf_default; }
pluto_secrets_client() { pluto_client_psk_secrets_default; }
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_SA_INIT
TRUTH_CATEGORY=proposal-ike
TRUTH_ROOT_CAUSE="no common IKE proposal: the Libreswan client offers AES_CBC_128/HMAC_SHA1, the strongSwan gateway accepts only AES_CBC_256/HMAC_SHA2_256; pluto ignores the unauthenticated NO_PROPOSAL_CHOSEN and times out"
scenario_proofs() {
    proof gateway.log 'received proposals unacceptable'
    proof client.log 'NO_PROPOSAL_CHOSEN'
    proof_frames client.pcap 'isakmp.notify.msgtype == 14' 1
}
