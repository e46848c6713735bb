DESCRIPTION="The gateway's IKE_AUTH answer is bigger than the MTU; IKEv2 fragmentation is off, so it leaves as IP fragments that a router on the way back to the client drops (the client's own fragmented request gets through)"
HOW="router drops IP fragments toward the client only (nft prerouting priority -450 'ip daddr 10.99.1.2 ip frag-off & 0x3fff != 0 drop'); RSA 4096 chain and 31 SANs on the client certificate as in ike-auth-ip-fragments-dropped, so both IKE_AUTH messages are IP-fragmented; fragmentation = no on both peers"
TOPO=router
AUTH=cert
FRAG_C=no
FRAG_G=no
POST_WAIT=3
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_AUTH
TRUTH_CATEGORY=mtu-fragmentation
TRUTH_ROOT_CAUSE="The gateway's IKE_AUTH answer (with its certificate chain, over the MTU) is IP-fragmented and a router on the way back drops the fragments; the gateway has the IKE SA up, the client never hears it; IKEv2 fragmentation is not enabled"
scenario_setup() { router_drop_fragments 10.99.1.2; }
scenario_pki() { pki_big_chain; }
scenario_install_certs() { pki_install_big_chain; }
scenario_proofs() {
    proof gateway.log 'authentication of .client\.ikelab\.test. with RSA.* successful'
    proof gateway.log 'IKE_SA .* established between 10\.99\.2\.2'
    proof gateway.log 'sending packet: from 10\.99\.2\.2\[4500\] to 10\.99\.1\.2\[4500\] \([2-9][0-9]{3} bytes\)'
    proof gateway.log 'received retransmit of request with ID 1, retransmitting response'
    proof client.log 'retransmit 3 of request with message ID 1'
    proof client.log 'giving up after 3 retransmits'
    proof_absent client.log 'IKE_SA .* established'
    proof_frames gateway.pcap 'isakmp.exchangetype == 35 && isakmp.flags & 0x20' 1
    proof_frames gateway.pcap 'ip.flags.mf == 1 && ip.src == 10.99.2.2' 4
    proof_frames client.pcap 'isakmp.exchangetype == 35 && isakmp.flags & 0x20' 0 0
    proof_frames client.pcap 'ip.src == 10.99.2.2 && (ip.flags.mf == 1 || ip.frag_offset > 0)' 0 0
}
