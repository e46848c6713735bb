DESCRIPTION="The client's kernel has no ESP support in XFRM: IKE succeeds, installing the IPsec SA fails"
HOW="client charon uses the kernel's XFRM (kernel-netlink) instead of kernel-libipsec; this kernel lacks ESP"
TOPO=direct
AUTH=psk
HOST_EXPECT_C="kernel-refuses-esp"
HOST_EXPECT_G="forwarding-off"          # the gateway uses kernel-libipsec: the kernel lacks nothing it needs
PLUGINS_C="$SWAN_PLUGINS_BASE kernel-netlink"
TRUTH_OUTCOME=failed
TRUTH_PHASE=CHILD_SA
TRUTH_CATEGORY=implementation
TRUTH_ROOT_CAUSE="the client's kernel lacks ESP in XFRM: the IKE SA is authenticated but the IPsec SA cannot be installed"
scenario_proofs() {
    proof client.log 'IKE_SA home\[1\] established between'
    proof client.log 'received netlink error: Protocol not supported \(93\)'
    proof client.log 'unable to add SAD entry with SPI [0-9a-f]{8}'
    proof client.log 'unable to install inbound and outbound IPsec SA \(SAD\) in kernel'
}
