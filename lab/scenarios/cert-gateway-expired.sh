DESCRIPTION="The client rejects the gateway's certificate, which has expired"
HOW="gateway certificate valid from 400 days ago until 30 days ago; clocks are right; the client trusts the CA"
TOPO=direct
AUTH=cert
HOST_EXPECT_G="certificate-not-valid-now forwarding-off"
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_AUTH
TRUTH_CATEGORY=auth-cert
TRUTH_ROOT_CAUSE="the gateway's certificate expired 30 days ago: the client rejects it and sends AUTHENTICATION_FAILED"
scenario_pki() {
    pki_ca ca "C=CH, O=ikelab, CN=ikelab Root CA"
    pki_cert gateway "C=CH, O=ikelab, CN=gateway.ikelab.test" ca \
        --san gateway.ikelab.test --flag serverAuth --flag ikeIntermediate --dateform "$PKI_DATEFORM" \
        --not-before "$(pki_date '400 days ago')" --not-after "$(pki_date '30 days ago')"
    pki_cert client "C=CH, O=ikelab, CN=client.ikelab.test" ca \
        --san client.ikelab.test --flag clientAuth --lifetime 365
}
scenario_proofs() {
    proof client.log 'certificate invalid \(valid from .* to .*\)'
    proof client.log "no trusted ECDSA public key found for 'gateway\.ikelab\.test'"
    proof gateway.log 'parsed INFORMATIONAL request 2 \[ N\(AUTH_FAILED\) \]'
    proof_frames client.pcap 'isakmp.exchangetype == 37 && !(isakmp.flags & 0x20) && isakmp.notify.msgtype == 24' 1 1
}
