DESCRIPTION="Libreswan (pluto) gateway in a site-to-site setup, strongSwan client; the client asks for a network the gateway does not offer"
HOW="client (no virtual IP) remote_ts 10.99.50.0/24; pluto leftsubnet=10.99.100.0/24, rightsubnet=10.99.2.3/32, narrowing=no"
TOPO=direct
AUTH=psk
IMPL_G=libreswan
VIPS_C=""
TS_REMOTE_C=10.99.50.0/24
LS_RIGHTSUBNET_G=10.99.2.3/32
pluto_conf_gateway() { pluto_gateway_conf_default; }
pluto_secrets_gateway() { pluto_gateway_secrets_default; }
TRUTH_OUTCOME=failed
TRUTH_PHASE=CHILD_SA
TRUTH_CATEGORY=traffic-selectors
TRUTH_ROOT_CAUSE="traffic selectors unacceptable: the client asks for 10.99.50.0/24, the Libreswan gateway only offers 10.99.100.0/24"
scenario_proofs() {
    # Libreswan 4.10 logs nothing about the rejected selectors at its default log level:
    # the IKE SA line is there and no Child SA line follows.
    proof gateway.log "responder established IKE SA; authenticated peer using authby=secret and ID_FQDN '@client\.ikelab\.test'"
    proof_absent gateway.log 'chosen from remote proposals 1:ESP'
    proof_absent gateway.log 'netlink response for Add SA'
    proof client.log '^.*proposing traffic selectors for other:$'
    proof client.log ' 10\.99\.50\.0/24$'
    proof client.log 'parsed IKE_AUTH response 1 \[ IDr AUTH N\(TS_UNACCEPT\) \]'
    proof client.log 'received TS_UNACCEPTABLE notify, no CHILD_SA built'
    proof_frames client.pcap 'isakmp.exchangetype == 35 && isakmp.flags & 0x20 && isakmp.notify.msgtype == 38' 1 1
}
