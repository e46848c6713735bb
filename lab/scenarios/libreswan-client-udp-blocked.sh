DESCRIPTION="Libreswan (pluto) client, strongSwan gateway; the gateway's firewall drops UDP 500 and 4500"
HOW="nftables on the gateway: input udp dport {500, 4500} drop; pluto retransmits IKE_SA_INIT and gives up"
TOPO=direct
AUTH=psk
IMPL_C=libreswan
LS_RETRANSMIT_TIMEOUT_C=6s
HOST_EXPECT_G="firewall-drops-ike forwarding-off"
HOST_PEER_G=10.99.2.3
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
TRUTH_PHASE=IKE_SA_INIT
TRUTH_CATEGORY=udp-blocked
TRUTH_ROOT_CAUSE="the gateway's firewall drops UDP 500/4500, so the Libreswan client's IKE_SA_INIT is never answered"
scenario_setup() {
    nft_apply "$NS_G" <<'NFT'
table inet filter {
    chain input {
        type filter hook input priority filter; policy accept;
        udp dport { 500, 4500 } drop
    }
}
NFT
}
scenario_proofs() {
    proof client.log 'STATE_V2_PARENT_I1: retransmission'
    proof_absent gateway.log 'received packet'
}
