DESCRIPTION="The client's certificate has expired"
HOW="client certificate valid from 400 days ago until 30 days ago; clocks are right"
TOPO=direct
AUTH=cert
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_AUTH
TRUTH_CATEGORY=auth-cert
TRUTH_ROOT_CAUSE="the client's certificate expired 30 days ago: the gateway cannot build a valid chain for it"
scenario_pki() {
    pki_ca ca "C=CH, O=ikelab, CN=ikelab Root CA"
    pki_cert gateway "C=CH, O=ikelab, CN=gateway.ikelab.test" ca \
        --san gateway.ikelab.test --flag serverAuth --flag ikeIntermediate --lifetime 365
    pki_cert client "C=CH, O=ikelab, CN=client.ikelab.test" ca \
        --san client.ikelab.test --flag clientAuth --dateform "$PKI_DATEFORM" \
        --not-before "$(pki_date '400 days ago')" --not-after "$(pki_date '30 days ago')"
}
scenario_proofs() {
    proof gateway.log 'certificate invalid \(valid from .* to .*\)'
    proof gateway.log "no trusted ECDSA public key found for 'client\.ikelab\.test'"
    proof client.log 'received AUTHENTICATION_FAILED notify error'
    proof_frames client.pcap 'isakmp.exchangetype == 35 && isakmp.flags & 0x20 && isakmp.notify.msgtype == 24' 1 1
}
