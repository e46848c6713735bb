DESCRIPTION="The gateway's certificate comes from a CA the client does not trust"
HOW="gateway certificate issued by 'Other Root CA'; the client only trusts the ikelab Root CA"
TOPO=direct
AUTH=cert
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_AUTH
TRUTH_CATEGORY=auth-cert
TRUTH_ROOT_CAUSE="the gateway's certificate is issued by a CA the client does not trust (no issuer certificate found)"
scenario_pki() {
    pki_ca ca "C=CH, O=ikelab, CN=ikelab Root CA"
    pki_ca otherca "C=CH, O=Other Org, CN=Other Root CA"
    pki_cert gateway "C=CH, O=ikelab, CN=gateway.ikelab.test" otherca \
        --san gateway.ikelab.test --flag serverAuth --flag ikeIntermediate --lifetime 365
    pki_cert client "C=CH, O=ikelab, CN=client.ikelab.test" ca \
        --san client.ikelab.test --flag clientAuth --lifetime 365
}
scenario_install_certs() {
    pki_install client x509 client
    pki_install client x509ca ca
    pki_install gateway x509 gateway
    pki_install gateway x509ca ca
    pki_install gateway x509ca otherca
}
scenario_proofs() {
    proof client.log 'no issuer certificate found for "C=CH, O=ikelab, CN=gateway\.ikelab\.test"'
    proof client.log 'issuer is "C=CH, O=Other Org, CN=Other Root CA"'
    proof client.log "no trusted ECDSA public key found for 'gateway\.ikelab\.test'"
    proof gateway.log 'parsed INFORMATIONAL request 2 \[ N\(AUTH_FAILED\) \]'
    proof_frames client.pcap 'isakmp.exchangetype == 37 && !(isakmp.flags & 0x20) && isakmp.notify.msgtype == 24' 1 1
}
