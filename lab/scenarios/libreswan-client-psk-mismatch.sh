DESCRIPTION="Libreswan (pluto) client, strongSwan gateway; the pre-shared keys differ"
HOW="pluto's ipsec.secrets holds another PSK than the gateway's swanctl.conf"
TOPO=direct
AUTH=psk
IMPL_C=libreswan
PSK_C=ikelab-wrong-secret-2
LS_RETRANSMIT_TIMEOUT_C=6s
pluto_conf_client() {
    cat <<CONF
# ipsec.conf of the lab's Libreswan client
config setup
    logtime=yes
    logappend=no

conn home
    ikev2=yes
    left=$CLIENT_ADDR
    leftid=@client.ikelab.test
    right=$GW_ADDR
    rightid=@gateway.ikelab.test
    rightsubnet=$GW_LAN_NET
    authby=secret
    ike=aes256-sha2_256;modp2048
    esp=aes256-sha2_256
    retransmit-interval=1000
    retransmit-timeout=$LS_RETRANSMIT_TIMEOUT_C
    keyingtries=1
    auto=add
CONF
}
pluto_secrets_client() {
    printf '@client.ikelab.test @gateway.ikelab.test : PSK "%s"\n' "$PSK_C"
}
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_AUTH
TRUTH_CATEGORY=auth-psk
TRUTH_ROOT_CAUSE="the pre-shared keys differ: the strongSwan gateway cannot verify the Libreswan client's PSK AUTH payload (MAC mismatch)"
scenario_proofs() {
    proof gateway.log "but MAC mismatched"
    proof client.log 'AUTHENTICATION_FAILED'
}
