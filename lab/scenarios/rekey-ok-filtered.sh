DESCRIPTION="A working tunnel whose CHILD_SA is rekeyed, captured with a filter on the IKE ports only (no ESP can show in the captures)"
HOW="tcpdump filter for IKE only ('udp port 500 or (udp port 4500 and udp[8:4] = 0)': the non-ESP marker) on both ends; client CHILD_SA rekey_time 5 s without randomisation; pings before and after the rekeys"
TOPO=direct
AUTH=psk
CAPTURE_FILTER="udp port 500 or (udp port 4500 and udp[8:4] = 0)"
CHILD_REKEY_C=5s
CHILD_EXTRA_C="rand_time = 0"
TRUTH_OUTCOME=established
TRUTH_ROOT_CAUSE="none: the IKE SA and the CHILD_SA are established and rekeyed, traffic flows; the captures hold only the IKE ports"
scenario_run() {
    client_initiate
    client_traffic 3 56 >"$OUT/client-traffic.txt"
    sleep 12
    client_traffic 3 56 >"$OUT/client-traffic-after-rekey.txt"
}
scenario_proofs() {
    proof client.log 'CHILD_SA net\{1\} established with SPIs'
    proof client.log 'CHILD_SA net\{[2-9]\} established with SPIs'
    proof client-traffic.txt ' 0% packet loss'
    proof client-traffic-after-rekey.txt ' 0% packet loss'
    proof_frames client.pcap 'isakmp.exchangetype == 36 && isakmp.flags & 0x20' 1
    proof_frames client.pcap 'esp' 0 0
    proof_frames client.pcap '!(udp.port == 500 || udp.port == 4500)' 0 0
}
