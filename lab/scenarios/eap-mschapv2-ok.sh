DESCRIPTION="Gateway authenticates with a certificate, the client with EAP-MSCHAPv2 (user name and password)"
HOW="nothing broken: the client trusts the lab CA and knows the password"
TOPO=direct
AUTH=eap
ID_C=alice
REMOTE_ID_G=%any
TRUTH_OUTCOME=established
TRUTH_ROOT_CAUSE="none: the gateway's certificate is trusted, EAP-MSCHAPv2 succeeds and traffic flows"
scenario_proofs() {
    proof client.log "authentication of 'gateway\.ikelab\.test' with ECDSA_WITH_SHA256_DER successful"
    proof gateway.log 'EAP method EAP_MSCHAPV2 succeeded, MSK established'
    proof client.log 'CHILD_SA net\{1\} established with SPIs'
    proof client-traffic.txt ' 0% packet loss'
}
