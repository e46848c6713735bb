DESCRIPTION="PFS on the gateway only, and the gateway rekeys: the client refuses the CREATE_CHILD_SA with a KE and the tunnel dies at expiry"
HOW="gateway esp_proposals aes256-sha256-modp2048 (PFS), client aes256-sha256 (no PFS); gateway CHILD_SA rekey_time 6 s, life_time 12 s, the client's an hour"
TOPO=direct
AUTH=psk
ESP_PROPOSALS_C=aes256-sha256
ESP_PROPOSALS_G=aes256-sha256-modp2048
CHILD_REKEY_C=1h
CHILD_REKEY_G=6s
CHILD_EXTRA_G="rand_time = 0
                life_time = 12s"
TRUTH_OUTCOME=failed
TRUTH_PHASE=CHILD_SA
TRUTH_CATEGORY=proposal-dh
TRUTH_ROOT_CAUSE="PFS mismatch: the gateway requires a DH group (MODP_2048) for CHILD_SAs, the client has none; invisible in IKE_AUTH, the gateway's first CHILD_SA rekey is refused by the client"
scenario_run() {
    client_initiate
    client_traffic 2 56 >"$OUT/client-traffic.txt"
    sleep 15
    client_traffic 2 56 >"$OUT/client-traffic-after-expiry.txt"
}
scenario_proofs() {
    proof client.log 'CHILD_SA net\{1\} established with SPIs'
    proof client-traffic.txt ' 0% packet loss'
    proof gateway.log 'generating CREATE_CHILD_SA request [0-9]+ \[ N\(REKEY_SA\) SA No KE TSi TSr \]'
    proof client.log 'no acceptable proposal found'
    proof gateway.log 'received NO_PROPOSAL_CHOSEN notify, no CHILD_SA built'
    proof gateway.log 'closing expired CHILD_SA'
    proof client-traffic-after-expiry.txt '100% packet loss|Network is unreachable'
    proof_frames client.pcap 'isakmp.exchangetype == 36 && !(isakmp.flags & 0x20) && isakmp.typepayload == 34' 1
    proof_frames client.pcap 'isakmp.exchangetype == 36 && isakmp.flags & 0x20 && isakmp.notify.msgtype == 14' 1
}
