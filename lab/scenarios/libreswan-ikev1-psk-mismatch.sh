DESCRIPTION="IKEv1 Main Mode, Libreswan (pluto) gateway, strongSwan client; the pre-shared keys differ"
HOW="pluto with ikev1-policy=accept and its conn ikev2=no; client version = 1; pluto's ipsec.secrets holds another PSK than the client's swanctl.conf"
TOPO=direct
AUTH=psk
IMPL_G=libreswan
LS_IKEV2_G=no
LS_SETUP_EXTRA_G="ikev1-policy=accept"
VERSION_C=1
PSK_C=ikelab-wrong-secret-2
pluto_conf_gateway() { pluto_gateway_conf_default; }
pluto_secrets_gateway() { pluto_gateway_secrets_default; }
TRUTH_OUTCOME=failed
TRUTH_PHASE=IKE_AUTH
TRUTH_CATEGORY=auth-psk
TRUTH_ROOT_CAUSE="the pre-shared keys differ: Main Mode's encryption keys derive from the PSK, so the Libreswan gateway cannot read the client's identity message"
scenario_proofs() {
    proof gateway.log '"rw": added IKEv1 connection'
    proof gateway.log 'probable authentication failure \(mismatch of preshared secrets\?\): malformed payload in packet'
    proof client.log 'received retransmit of response with ID 0, but next request already sent'
    proof client.log 'establishing IKE_SA failed, peer not responding'
    proof_absent client.log 'IKE_SA home\[1\] established between'
    proof_frames client.pcap 'isakmp.exchangetype == 2 && udp.port == 4500' 2
}
