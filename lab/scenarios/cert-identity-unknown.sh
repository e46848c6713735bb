DESCRIPTION="The client asks for a gateway identity (IDr) the gateway does not have; both use certificates"
HOW="client remote id vpn.ikelab.test; the gateway's only identity is gateway.ikelab.test; valid certificates from one CA"
TOPO=direct
AUTH=cert
REMOTE_ID_C=vpn.ikelab.test
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_AUTH
TRUTH_CATEGORY=auth-id
TRUTH_ROOT_CAUSE="the client asks for the identity vpn.ikelab.test, which no connection of the gateway has: it finds no peer config and answers AUTHENTICATION_FAILED (the certificates are fine)"
scenario_proofs() {
    proof gateway.log 'no matching peer config found'
    proof client.log 'received AUTHENTICATION_FAILED notify error'
    proof_frames client.pcap 'isakmp.exchangetype == 35 && isakmp.flags & 0x20 && isakmp.notify.msgtype == 24' 1 1
}
