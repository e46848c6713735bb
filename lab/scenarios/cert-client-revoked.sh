DESCRIPTION="The gateway rejects the client's certificate: the CA revoked it (a CRL the gateway holds)"
HOW="the CA's CRL lists the client certificate (reason key-compromise); the CRL is loaded on the gateway (swanctl x509crl)"
TOPO=direct
AUTH=cert
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_AUTH
TRUTH_CATEGORY=auth-cert
TRUTH_ROOT_CAUSE="the client's certificate is revoked by its CA: the gateway's CRL lists it"
scenario_pki() {
    pki_standard
    pki --signcrl --cacert "$PKI/ca.pem" --cakey "$PKI/ca.key" --cert "$PKI/client.pem" \
        --reason key-compromise --outform pem >"$PKI/ca.crl" || die "pki --signcrl failed"
}
scenario_install_certs() {
    install_standard_certs
    cp "$PKI/ca.crl" "$WORK/gateway/swanctl/x509crl/ca.crl"
}
scenario_proofs() {
    proof gateway.log 'certificate was revoked on'
    proof client.log 'received AUTHENTICATION_FAILED notify error'
}
