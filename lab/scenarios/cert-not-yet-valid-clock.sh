DESCRIPTION="The client's clock is 400 days behind: the gateway's (correct) certificate looks not yet valid"
HOW="libfaketime (FAKETIME=-400d) on the client's charon; all certificates are valid from today"
TOPO=direct
AUTH=cert
HOST_EXPECT_C="certificate-not-valid-now"
CLIENT_PREFIX=(env LD_PRELOAD=$FAKETIME_LIB FAKETIME=-400d FAKETIME_DONT_FAKE_MONOTONIC=1)
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_AUTH
TRUTH_CATEGORY=clock
TRUTH_ROOT_CAUSE="the client's clock is 400 days in the past, so the gateway's valid certificate is not yet valid for it"
scenario_run() {
    default_run
    "${CLIENT_PREFIX[@]}" date -u '+client clock: %Y-%m-%d %H:%M:%S UTC' >"$OUT/client-date.txt"
    date -u '+gateway clock: %Y-%m-%d %H:%M:%S UTC' >"$OUT/gateway-date.txt"
}
scenario_proofs() {
    proof client.log 'certificate invalid \(valid from .* to .*\)'
    proof client.log "no trusted ECDSA public key found for 'gateway\.ikelab\.test'"
    proof gateway.log "authentication of 'client\.ikelab\.test' with ECDSA_WITH_SHA256_DER successful"
    proof gateway.log 'parsed INFORMATIONAL request 2 \[ N\(AUTH_FAILED\) \]'
    proof_frames client.pcap 'isakmp.exchangetype == 37 && !(isakmp.flags & 0x20) && isakmp.notify.msgtype == 24' 1 1
}
