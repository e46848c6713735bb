DESCRIPTION="Libreswan (pluto) client on a kernel without ESP in XFRM, toward a strongSwan gateway, through a router that drops IP fragments: the large IKE_AUTH passes as IKEv2 fragments, the IKE SA is established, installing the IPsec SA fails"
HOW="router drops all IP fragments; RSA 4096 chain, client certificate with 31 SANs; pluto fragmentation=yes (it fragments the very first IKE_AUTH into 578-byte pieces); this kernel has no ESP and pluto has no userspace data plane"
TOPO=router
AUTH=cert
HOST_EXPECT_C="kernel-refuses-esp"   # pluto has no userspace data plane
IMPL_C=libreswan
CONN_EXTRA_G="send_cert = always"
POOLS_G=""
CHILD_EXTRA_G="remote_ts = 10.99.150.0/24"
LS_FRAG_C=yes
pluto_conf_client() { pluto_client_conf_default; }
TRUTH_OUTCOME=failed
TRUTH_PHASE=CHILD_SA
TRUTH_CATEGORY=implementation
TRUTH_ROOT_CAUSE="the Libreswan client's kernel has no ESP support in XFRM: the IKE SA is authenticated but the IPsec SA cannot be installed (netlink errno 93)"
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
    proof gateway.log 'received fragment #1 of [0-9]+, waiting for complete IKE message'
    proof gateway.log 'reassembled fragmented IKE message'
    proof gateway.log 'CHILD_SA net\{1\} established with SPIs'
    proof client.log 'initiator established IKE SA'
    proof client.log 'netlink response for Add SA esp\.[0-9a-f]+@10\.99\.2\.2: Protocol not supported \(errno 93\)'
    proof_frames client.pcap 'isakmp.typepayload == 53' 2
    proof_frames client.pcap 'ip.flags.mf == 1 || ip.frag_offset > 0' 0 0
}
