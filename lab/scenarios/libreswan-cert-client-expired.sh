DESCRIPTION="A Libreswan client whose own certificate has expired: pluto refuses to load the connection and sends nothing"
HOW="client certificate in pluto's NSS database valid from 400 days ago until 30 days ago; clocks are right; RSA keys (authby=rsasig)"
TOPO=direct
AUTH=cert
IMPL_C=libreswan
# The expired certificate in pluto's NSS database; pluto has no userspace data plane.
HOST_EXPECT_C="certificate-not-valid-now kernel-refuses-esp"
POOLS_G=""
CHILD_EXTRA_G="remote_ts = 10.99.150.0/24"
# The gateway's ESP proposal with pluto's PFS group: nothing but the certificate is wrong.
ESP_PROPOSALS_G=aes256-sha256-modp2048
pluto_conf_client() { pluto_client_conf_default; }
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_SA_INIT
TRUTH_CATEGORY=auth-cert
TRUTH_ROOT_CAUSE="the Libreswan client's own certificate expired 30 days ago: pluto (Libreswan 5) refuses to add the connection, so no IKE_SA_INIT is ever sent"
scenario_pki() {
    pki_ca ca "C=CH, O=ikelab, CN=ikelab Root CA" "" rsa 2048
    PKI_KEY_TYPE=rsa PKI_KEY_SIZE=2048 pki_cert gateway "C=CH, O=ikelab, CN=gateway.ikelab.test" ca \
        --san gateway.ikelab.test --flag serverAuth --flag ikeIntermediate --lifetime 365
    PKI_KEY_TYPE=rsa PKI_KEY_SIZE=2048 pki_cert client "C=CH, O=ikelab, CN=client.ikelab.test" ca \
        --san client.ikelab.test --flag clientAuth --dateform "$PKI_DATEFORM" \
        --not-before "$(pki_date '400 days ago')" --not-after "$(pki_date '30 days ago')"
}
scenario_install_certs() {
    pki_install gateway x509 gateway
    pki_install gateway x509ca ca
    pluto_import_cert client client
    pluto_import_ca client ca
}
scenario_proofs() {
    proof client.log "failed to add connection: left certificate 'client' is expired or not yet valid"
    proof_frames client.pcap 'isakmp' 0 0
}
