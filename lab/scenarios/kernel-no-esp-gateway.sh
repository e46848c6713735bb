DESCRIPTION="The gateway's kernel has no ESP support in XFRM: it selects the client's ESP proposal, cannot install the SA and answers NO_PROPOSAL_CHOSEN"
HOW="gateway charon uses the kernel's XFRM (kernel-netlink) instead of kernel-libipsec; this kernel lacks ESP"
TOPO=direct
AUTH=psk
HOST_EXPECT_G="kernel-refuses-esp forwarding-off"   # charon with kernel-netlink on this kernel without ESP
PLUGINS_G="$SWAN_PLUGINS_BASE kernel-netlink"
TRUTH_OUTCOME=failed
TRUTH_PHASE=CHILD_SA
TRUTH_CATEGORY=implementation
TRUTH_ROOT_CAUSE="the gateway's kernel lacks ESP in XFRM: it selected the ESP proposal but cannot install the SA, and answers NO_PROPOSAL_CHOSEN (which is not a proposal mismatch)"
scenario_proofs() {
    proof gateway.log 'selected proposal: ESP:'
    proof gateway.log 'received netlink error: Protocol not supported \(93\)'
    proof gateway.log 'unable to add SAD entry with SPI [0-9a-f]{8}'
    proof client.log 'received NO_PROPOSAL_CHOSEN notify, no CHILD_SA built'
}
