DESCRIPTION="IKEv2 with a pre-shared key, virtual IP from a pool, ping through the tunnel"
HOW="nothing broken: both peers share the PSK and proposals"
TOPO=direct
AUTH=psk
HOST_EXPECT_G="forwarding-off"   # a clean host (charon with kernel-libipsec on UDP 500/4500); its served network is its own lan0 address
TRUTH_OUTCOME=established
TRUTH_ROOT_CAUSE="none: the IKE SA and the CHILD_SA are established and traffic flows"
scenario_proofs() {
    proof client.log 'IKE_SA home\[1\] established between'
    proof client.log 'CHILD_SA net\{1\} established with SPIs'
    proof gateway.log 'authentication of .client\.ikelab\.test. with pre-shared key successful'
    proof client-traffic.txt ' 0% packet loss'
    proof_frames client.pcap 'isakmp.exchangetype == 35 && isakmp.flags & 0x20' 1
}
