DESCRIPTION="A working tunnel across a smaller path MTU: the router answers oversized ESP with ICMP fragmentation-needed, the client then fragments its ESP and full-size traffic flows"
HOW="router link toward the gateway has MTU 1280 and ICMP passes; pings of 1300 bytes after small ones"
TOPO=router
AUTH=psk
MTU_GATEWAY=1280
TRUTH_OUTCOME=established
TRUTH_ROOT_CAUSE="none: the tunnel works; ESP larger than the 1280-byte path is fragmented after one ICMP fragmentation-needed (a warning, not a failure)"
scenario_run() {
    client_initiate
    client_traffic 3 56 >"$OUT/client-traffic.txt"
    client_traffic 6 1300 >"$OUT/client-traffic-large.txt"
}
scenario_proofs() {
    proof client.log 'CHILD_SA net\{1\} established with SPIs'
    proof client-traffic.txt ' 0% packet loss'
    proof client-traffic-large.txt ' [1-5] received'
    proof_frames client.pcap 'icmp.type == 3 && icmp.code == 4' 1
    proof_frames client.pcap 'ip.flags.mf == 1' 1
}
