DESCRIPTION="Libreswan (pluto) client, strongSwan gateway; the client asks for a remote network the gateway does not offer"
HOW="pluto rightsubnet=10.99.50.0/24, gateway local_ts 10.99.100.0/24"
TOPO=direct
AUTH=psk
IMPL_C=libreswan
LS_RETRANSMIT_TIMEOUT_C=6s
LS_RIGHTSUBNET_C=10.99.50.0/24
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
    rightsubnet=${LS_RIGHTSUBNET_C:-$GW_LAN_NET}
    authby=secret
    ike=aes256-sha2_256;modp2048
    esp=aes256-sha2_256
    pfs=no
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
TRUTH_PHASE=CHILD_SA
TRUTH_CATEGORY=traffic-selectors
TRUTH_ROOT_CAUSE="traffic selectors unacceptable: the Libreswan client asks for 10.99.50.0/24, the strongSwan gateway only offers 10.99.100.0/24"
scenario_proofs() {
    proof gateway.log 'traffic selectors .* unacceptable|no acceptable traffic selectors'
    proof client.log 'TS_UNACCEPTABLE'
}
