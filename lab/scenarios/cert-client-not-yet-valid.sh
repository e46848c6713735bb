DESCRIPTION="The gateway rejects the client's certificate, which is not valid yet (issued for a later date; clocks are right)"
HOW="client certificate valid from 30 days from now; clocks are right"
TOPO=direct
AUTH=cert
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_AUTH
TRUTH_CATEGORY=auth-cert
TRUTH_ROOT_CAUSE="the client's certificate is not valid before a date 30 days ahead: the gateway rejects it (no clock is wrong)"
scenario_pki() {
    pki_ca ca "C=CH, O=ikelab, CN=ikelab Root CA"
    pki_cert gateway "C=CH, O=ikelab, CN=gateway.ikelab.test" ca \
        --san gateway.ikelab.test --flag serverAuth --flag ikeIntermediate --lifetime 365
    pki_cert client "C=CH, O=ikelab, CN=client.ikelab.test" ca \
        --san client.ikelab.test --flag clientAuth --dateform "$PKI_DATEFORM" \
        --not-before "$(pki_date '30 days')" --not-after "$(pki_date '400 days')"
}
scenario_proofs() {
    proof gateway.log 'certificate invalid \(valid from .* to .*\)'
    proof gateway.log "no trusted ECDSA public key found for 'client\.ikelab\.test'"
    proof client.log 'received AUTHENTICATION_FAILED notify error'
}
