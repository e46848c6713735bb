DESCRIPTION="The gateway requires a certificate status it cannot get: the client certificate's CRL distribution point is unreachable and the gateway's revocation policy is strict"
HOW="client certificate with CRL URI http://10.99.9.9/ca.crl (no route, no fetcher); gateway remote revocation = strict"
TOPO=direct
AUTH=cert
REMOTE_EXTRA_G="revocation = strict"
scenario_pki() {
    pki_ca ca "C=CH, O=ikelab, CN=ikelab Root CA"
    pki_cert gateway "C=CH, O=ikelab, CN=gateway.ikelab.test" ca \
        --san gateway.ikelab.test --flag serverAuth --flag ikeIntermediate --lifetime 365
    pki_cert client "C=CH, O=ikelab, CN=client.ikelab.test" ca \
        --san client.ikelab.test --flag clientAuth --lifetime 365 --crl http://10.99.9.9/ca.crl
}
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_AUTH
TRUTH_CATEGORY=auth-cert
TRUTH_ROOT_CAUSE="the client certificate's revocation status cannot be fetched (its CRL distribution point is unreachable) and the gateway's policy is strict"
scenario_proofs() {
    proof gateway.log 'certificate status is not available'
    proof client.log 'received AUTHENTICATION_FAILED notify error'
}
