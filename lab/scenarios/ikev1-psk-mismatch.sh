DESCRIPTION="IKEv1 Main Mode on both peers, and the client and the gateway hold different pre-shared keys"
HOW="both connections version = 1; PSK of the client differs from the gateway's"
TOPO=direct
AUTH=psk
VERSION_C=1
VERSION_G=1
PSK_C=ikelab-wrong-secret-2
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_AUTH
TRUTH_CATEGORY=auth-psk
TRUTH_ROOT_CAUSE="the pre-shared keys differ: Main Mode's encryption keys derive from the PSK, so the gateway decrypts the client's identity message to garbage and answers PAYLOAD_MALFORMED"
scenario_proofs() {
    proof gateway.log 'invalid ID_V1 payload length, decryption failed\?'
    proof gateway.log 'generating INFORMATIONAL_V1 request [0-9]+ \[ HASH N\(PLD_MAL\) \]'
    proof client.log 'invalid HASH_V1 payload length, decryption failed\?'
    proof client.log 'establishing IKE_SA failed, peer not responding'
    proof_absent client.log 'IKE_SA home\[1\] established between'
    proof_frames client.pcap 'isakmp.exchangetype == 2 && udp.port == 4500' 2
    proof_frames client.pcap 'isakmp.exchangetype == 5' 1
}
