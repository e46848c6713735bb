DESCRIPTION="The gateway rejects the client's certificate, which comes from a CA the gateway does not trust"
HOW="client certificate issued by 'Other Root CA'; the gateway only trusts the ikelab Root CA"
TOPO=direct
AUTH=cert
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_AUTH
TRUTH_CATEGORY=auth-cert
TRUTH_ROOT_CAUSE="the client's certificate is issued by a CA the gateway does not trust (no issuer certificate found)"
scenario_pki() {
    pki_ca ca "C=CH, O=ikelab, CN=ikelab Root CA"
    pki_ca otherca "C=CH, O=Other Org, CN=Other Root CA"
    pki_cert gateway "C=CH, O=ikelab, CN=gateway.ikelab.test" ca \
        --san gateway.ikelab.test --flag serverAuth --flag ikeIntermediate --lifetime 365
    pki_cert client "C=CH, O=ikelab, CN=client.ikelab.test" otherca \
        --san client.ikelab.test --flag clientAuth --lifetime 365
}
scenario_install_certs() {
    pki_install client x509 client
    pki_install client x509ca ca
    pki_install client x509ca otherca
    pki_install gateway x509 gateway
    pki_install gateway x509ca ca
}
scenario_proofs() {
    proof gateway.log 'no issuer certificate found for "C=CH, O=ikelab, CN=client\.ikelab\.test"'
    proof gateway.log "no trusted ECDSA public key found for 'client\.ikelab\.test'"
    proof client.log 'received AUTHENTICATION_FAILED notify error'
}
