DESCRIPTION="IKEv1 Main Mode, Libreswan (pluto) gateway, strongSwan client; no common Phase 1 proposal: the client offers AES-128/SHA-1, the gateway wants AES-256/SHA-256"
HOW="pluto with ikev1-policy=accept and its conn ikev2=no, ike=aes256-sha2_256-modp2048; client version = 1, proposals aes128-sha1-modp2048"
TOPO=direct
AUTH=psk
IMPL_G=libreswan
LS_IKEV2_G=no
LS_SETUP_EXTRA_G="ikev1-policy=accept"
VERSION_C=1
IKE_PROPOSALS_C=aes128-sha1-modp2048
pluto_conf_gateway() { pluto_gateway_conf_default; }
pluto_secrets_gateway() { pluto_gateway_secrets_default; }
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_SA_INIT
TRUTH_CATEGORY=proposal-ike
TRUTH_ROOT_CAUSE="no common Phase 1 proposal: the client offers AES_CBC_128/HMAC_SHA1 while the Libreswan gateway accepts only AES_CBC_256/HMAC_SHA2_256"
scenario_proofs() {
    proof gateway.log '"rw": added IKEv1 connection'
    proof gateway.log 'Oakley Transform \[AES_CBC \(128\), HMAC_SHA1, MODP2048\] refused'
    proof gateway.log 'no acceptable Oakley Transform'
    proof gateway.log 'sending notification NO_PROPOSAL_CHOSEN to 10\.99\.2\.3:500'
    proof client.log 'received NO_PROPOSAL_CHOSEN error notify'
    proof_frames client.pcap 'isakmp.notify.msgtype == 14' 1 1
}
