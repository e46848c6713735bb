DESCRIPTION="PFS on the client only: the first CHILD_SA (no KE in IKE_AUTH) comes up, its first rekey (CREATE_CHILD_SA with KE) is refused and the tunnel dies at expiry"
HOW="client esp_proposals aes256-sha256-modp2048 (PFS), gateway aes256-sha256 (no PFS); client CHILD_SA rekey_time 6 s, life_time 12 s"
TOPO=direct
AUTH=psk
ESP_PROPOSALS_C=aes256-sha256-modp2048
ESP_PROPOSALS_G=aes256-sha256
CHILD_REKEY_C=6s
CHILD_EXTRA_C="rand_time = 0
                life_time = 12s"
TRUTH_OUTCOME=failed
TRUTH_PHASE=CHILD_SA
TRUTH_CATEGORY=proposal-dh
TRUTH_ROOT_CAUSE="PFS mismatch: the client requires a DH group (MODP_2048) for CHILD_SAs, the gateway has none; invisible in IKE_AUTH, the first CHILD_SA rekey is refused"
scenario_run() {
    client_initiate
    client_traffic 2 56 >"$OUT/client-traffic.txt"
    sleep 15
    client_traffic 2 56 >"$OUT/client-traffic-after-expiry.txt"
}
scenario_proofs() {
    proof client.log 'CHILD_SA net\{1\} established with SPIs'
    proof client-traffic.txt ' 0% packet loss'
    proof client.log 'generating CREATE_CHILD_SA request 2 \[ N\(REKEY_SA\) SA No KE TSi TSr \]'
    proof gateway.log 'no acceptable proposal found'
    proof client.log 'received NO_PROPOSAL_CHOSEN notify, no CHILD_SA built'
    proof client.log 'CHILD_SA rekeying failed'
    proof client.log 'closing expired CHILD_SA net\{1\}'
    proof client-traffic-after-expiry.txt '100% packet loss|Network is unreachable'
    proof_frames client.pcap 'isakmp.exchangetype == 36 && !(isakmp.flags & 0x20) && isakmp.typepayload == 34' 1
    proof_frames client.pcap 'isakmp.exchangetype == 36 && isakmp.flags & 0x20 && isakmp.notify.msgtype == 14' 1
}
