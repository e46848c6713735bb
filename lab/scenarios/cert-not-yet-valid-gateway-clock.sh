DESCRIPTION="The gateway's clock is 400 days behind: the client's (correct) certificate looks not yet valid to it"
HOW="libfaketime (FAKETIME=-400d) on the gateway's charon; all certificates are valid from today"
TOPO=direct
AUTH=cert
HOST_EXPECT_G="certificate-not-valid-now forwarding-off"   # the strongSwan gateway with kernel-libipsec does not forward in the lab
GATEWAY_PREFIX=(env LD_PRELOAD=$FAKETIME_LIB FAKETIME=-400d FAKETIME_DONT_FAKE_MONOTONIC=1)
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_AUTH
TRUTH_CATEGORY=clock
TRUTH_ROOT_CAUSE="the gateway's clock is 400 days in the past, so the client's valid certificate is not yet valid for it"
scenario_run() {
    default_run
    "${GATEWAY_PREFIX[@]}" date -u '+gateway clock: %Y-%m-%d %H:%M:%S UTC' >"$OUT/gateway-date.txt"
    date -u '+client clock: %Y-%m-%d %H:%M:%S UTC' >"$OUT/client-date.txt"
}
scenario_proofs() {
    proof gateway.log 'certificate invalid \(valid from .* to .*\)'
    proof gateway.log "no trusted ECDSA public key found for 'client\.ikelab\.test'"
    proof client.log 'received AUTHENTICATION_FAILED notify error'
    proof_frames gateway.pcap 'isakmp.exchangetype == 35 && (isakmp.flags & 0x20) && isakmp.notify.msgtype == 24' 1 1
}
