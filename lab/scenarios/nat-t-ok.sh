DESCRIPTION="Client behind a masquerading router: NAT detected, IKE moves to UDP 4500"
HOW="router between client and gateway with nftables masquerade of the client network"
TOPO=nat
AUTH=psk
TRUTH_OUTCOME=established
TRUTH_ROOT_CAUSE="none: NAT is detected, IKE and ESP move to UDP 4500 and traffic flows"
scenario_proofs() {
    proof client.log 'local host is behind NAT, sending keep alives'
    proof gateway.log 'remote host is behind NAT'
    proof gateway.log 'IKE_SA rw\[1\] established between 10\.99\.2\.2\[gateway\.ikelab\.test\]\.\.\.10\.99\.2\.1\[client\.ikelab\.test\]'
    proof client.log 'CHILD_SA net\{1\} established with SPIs'
    proof client-traffic.txt ' 0% packet loss'
    proof_frames gateway.pcap 'ip.src == 10.99.2.1 && udp.srcport != 500 && isakmp.exchangetype == 35' 1
}
