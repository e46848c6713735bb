DESCRIPTION="Libreswan (pluto) client with a large certificate chain and IKEv2 fragmentation off; its IKE_AUTH leaves as IP fragments that a router drops (strongSwan gateway)"
HOW="router drops all IP fragments; RSA 4096 chain, client certificate with 31 SANs; pluto fragmentation=no, retransmit-interval=1000 ms, retransmit-timeout=8 s, keyingtries=1"
TOPO=router
POOLS_G=""
CHILD_EXTRA_G="remote_ts = 10.99.150.0/24"
AUTH=cert
IMPL_C=libreswan
CONN_EXTRA_G="send_cert = always"
LS_FRAG_C=no
POST_WAIT=3
pluto_conf_client() { pluto_client_conf_default; }
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_AUTH
TRUTH_CATEGORY=mtu-fragmentation
TRUTH_ROOT_CAUSE="the Libreswan client's IKE_AUTH (large certificate) is IP-fragmented and a router drops the fragments; IKEv2 fragmentation is disabled"
scenario_setup() { router_drop_fragments; }
scenario_pki() { pki_big_chain; }
scenario_install_certs() {
    pki_install gateway x509 gateway
    pki_install gateway x509ca ca
    pki_install gateway x509ca intermediate
    pluto_import_cert client client
    pluto_import_ca client ca
    pluto_import_ca client intermediate ",,"
}
scenario_proofs() {
    proof client.log '"home" #1: sent IKE_AUTH request'
    proof client.log 'STATE_V2_PARENT_I2: retransmission; will wait 1 seconds for response'
    proof client.log 'STATE_V2_PARENT_I2: 8 second timeout exceeded after 3 retransmits\.  Possible authentication failure: no acceptable response to our first encrypted message'
    proof gateway.log 'deleting half open IKE_SA with 10\.99\.1\.2 after timeout'
    proof_absent gateway.log 'IKE_AUTH request 1'
    proof_frames client.pcap 'ip.flags.mf == 1' 4
    proof_frames client.pcap 'isakmp.exchangetype == 34 && isakmp.flags & 0x20' 1
    proof_frames gateway.pcap 'ip.flags.mf == 1 || ip.frag_offset > 0' 0 0
    proof_frames gateway.pcap 'isakmp.exchangetype == 35' 0 0
}
