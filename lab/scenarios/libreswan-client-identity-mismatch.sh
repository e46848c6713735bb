DESCRIPTION="Libreswan (pluto) client, strongSwan gateway; the client presents an identity the gateway does not expect (PSK)"
HOW="pluto leftid=@laptop.ikelab.test, the gateway's connection expects client.ikelab.test"
TOPO=direct
AUTH=psk
IMPL_C=libreswan
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
    leftid=@laptop.ikelab.test
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
    printf '@laptop.ikelab.test @gateway.ikelab.test : PSK "%s"\n' "$PSK_C"
}
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_AUTH
TRUTH_CATEGORY=auth-id
TRUTH_ROOT_CAUSE="the Libreswan client's identity (laptop.ikelab.test) matches no connection on the strongSwan gateway, which expects client.ikelab.test"
scenario_proofs() {
    proof gateway.log 'no matching peer config found'
    proof client.log 'AUTHENTICATION_FAILED'
}
