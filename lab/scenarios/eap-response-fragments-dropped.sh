DESCRIPTION="An EAP client's IKE_AUTH request is small, but the gateway's answer carries its RSA 4096 certificate chain and is bigger than the MTU; IKEv2 fragmentation is off, so the answer leaves as IP fragments that a router on the way back to the client drops"
HOW="router drops IP fragments toward the client only (nft prerouting priority -450 'ip daddr 10.99.1.2 ip frag-off & 0x3fff != 0 drop'); client EAP-MSCHAPv2, gateway RSA 4096 certificate with an RSA 4096 intermediate (pki_big_chain); fragmentation = no on both peers"
TOPO=router
AUTH=eap
ID_C=alice
REMOTE_ID_G=%any
FRAG_C=no
FRAG_G=no
POST_WAIT=3
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_AUTH
TRUTH_CATEGORY=mtu-fragmentation
TRUTH_ROOT_CAUSE="The gateway's first IKE_AUTH answer (its certificate chain, over the MTU) is IP-fragmented and a router on the way back drops the fragments; the client's small request gets through; IKEv2 fragmentation is not enabled"
scenario_setup() { router_drop_fragments 10.99.1.2; }
scenario_pki() { pki_big_chain; }
scenario_install_certs() { pki_install_big_chain; }
scenario_proofs() {
    proof client.log 'sending packet: from 10\.99\.1\.2\[4500\] to 10\.99\.2\.2\[4500\] \([0-9]{3} bytes\)'
    proof gateway.log 'sending packet: from 10\.99\.2\.2\[4500\] to 10\.99\.1\.2\[4500\] \([2-9][0-9]{3} bytes\)'
    proof gateway.log 'received retransmit of request with ID 1, retransmitting response'
    proof client.log 'retransmit 3 of request with message ID 1'
    proof client.log 'giving up after 3 retransmits'
    proof_absent gateway.log 'EAP method EAP_MSCHAPV2 succeeded'
    proof_frames gateway.pcap 'isakmp.exchangetype == 35 && isakmp.flags & 0x20' 1
    proof_frames gateway.pcap 'ip.flags.mf == 1 && ip.src == 10.99.2.2' 4
    proof_frames client.pcap 'ip.flags.mf == 1 || ip.frag_offset > 0' 0 0
    proof_frames client.pcap 'isakmp.exchangetype == 35 && isakmp.flags & 0x20' 0 0
}
