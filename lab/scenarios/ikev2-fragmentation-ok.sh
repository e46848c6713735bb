DESCRIPTION="The same large certificate chain and fragment-dropping router, with IKEv2 fragmentation (RFC 7383) on: IKE_AUTH travels as SKF fragments that fit the path"
HOW="router drops all IP fragments; RSA 4096 chain, client certificate with 31 SANs (IKE_AUTH about 3.3 kB); fragmentation = yes on both peers (fragment_size 1280)"
TOPO=router
AUTH=cert
FRAG_C=yes
FRAG_G=yes
TRUTH_OUTCOME=established
TRUTH_ROOT_CAUSE="none: IKE_AUTH is split into IKEv2 fragments that pass the router, the SAs are established and traffic flows"
scenario_setup() { router_drop_fragments; }
scenario_pki() { pki_big_chain; }
scenario_install_certs() { pki_install_big_chain; }
scenario_proofs() {
    proof client.log 'splitting IKE message \([0-9]+ bytes\) into [0-9]+ fragments'
    proof gateway.log 'received fragment #1 of [0-9]+, waiting for complete IKE message'
    proof gateway.log 'reassembled fragmented IKE message'
    proof client.log 'CHILD_SA net\{1\} established with SPIs'
    proof client-traffic.txt ' 0% packet loss'
    proof_frames client.pcap 'isakmp.typepayload == 53' 3
    proof_frames client.pcap 'ip.flags.mf == 1 || ip.frag_offset > 0' 0 0
}
