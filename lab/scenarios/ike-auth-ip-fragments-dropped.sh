DESCRIPTION="A large certificate chain makes IKE_AUTH bigger than the MTU; IKEv2 fragmentation is off, so it leaves as IP fragments that a router drops"
HOW="router drops all IP fragments (nft prerouting priority -450 'ip frag-off & 0x3fff != 0 drop'); RSA 4096 chain, client certificate with 31 SANs (IKE_AUTH about 3.3 kB); fragmentation = no on both peers"
TOPO=router
AUTH=cert
FRAG_C=no
FRAG_G=no
POST_WAIT=3
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_AUTH
TRUTH_CATEGORY=mtu-fragmentation
TRUTH_ROOT_CAUSE="IKE_AUTH (about 4 kB with the certificate chain) is IP-fragmented and a router drops the fragments; IKEv2 fragmentation is not enabled"
scenario_setup() { router_drop_fragments; }
scenario_pki() { pki_big_chain; }
scenario_install_certs() { pki_install_big_chain; }
scenario_proofs() {
    proof client.log 'generating IKE_AUTH request 1 \[ IDi CERT '
    proof client.log 'sending packet: from 10\.99\.1\.2\[4500\] to 10\.99\.2\.2\[4500\] \([2-9][0-9]{3} bytes\)'
    proof client.log 'retransmit 3 of request with message ID 1'
    proof client.log 'giving up after 3 retransmits'
    proof gateway.log 'deleting half open IKE_SA with 10\.99\.1\.2 after timeout'
    proof_absent gateway.log 'IKE_AUTH request 1'
    proof_frames client.pcap 'ip.flags.mf == 1' 4
    proof_frames client.pcap 'isakmp.exchangetype == 34 && isakmp.flags & 0x20' 1
    proof_frames gateway.pcap 'ip.flags.mf == 1 || ip.frag_offset > 0' 0 0
    proof_frames gateway.pcap 'isakmp.exchangetype == 35' 0 0
}
