/* tc_drop_reply.bpf.c - drop incoming ICMP and ICMPv6 echo REPLIES at tc
 * ingress: the tc side of xdp_drop_rate.sh.
 *
 * xdpgen sends echo replies (a receiver must not answer them, so nothing
 * flows back into the sender), and xdp_drop_ping / iptables / nft all drop
 * those.  bpf/tc_drop_ping drops echo requests on egress, which on this
 * traffic would pass every frame to IP; this copy makes the tc and tcx rows
 * real drops.  A separate bench object, so tc_drop_ping's code (and the
 * offsets the tests may check) stays as it is.
 *
 *   __netif_receive_skb_core -> sch_handle_ingress (tcx or clsact)
 *   -> tc_drop_reply(skb)
 *
 *   Ethernet | 0..2 VLAN tags | IPv4 | ICMP   type 0   -> SHOT
 *                             | IPv6 | ICMPv6 type 129 -> SHOT
 *   everything else, including truncated frames       -> OK
 *
 * Direct action, so the return value is the verdict.  TC_ACT_OK and
 * TC_ACT_SHOT mean the same under tcx (TCX_PASS 0, TCX_DROP 2: the kernel
 * kept the numbers).  Counters: the per-CPU array `tc_stats`, key 0 dropped,
 * key 1 passed - the same map as tc_drop_ping, so the benchmark reads both
 * alike.
 */
#include "pkt_parse.h"

#define TC_ACT_OK	0
#define TC_ACT_SHOT	2

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} tc_stats SEC(".maps");

static __always_inline void count(__u32 key)
{
	__u64 *packets = bpf_map_lookup_elem(&tc_stats, &key);

	if (packets)
		*packets += 1;
}

SEC("tc")
int tc_drop_reply(struct __sk_buff *skb)
{
	struct cursor c = {
		.pos = (void *)(long)skb->data,
		.end = (void *)(long)skb->data_end,
	};
	__be16 proto = parse_ethertype(&c);
	int reply = 0;

	if (proto == bpf_htons(ETH_P_IP))
		reply = icmp_type_v4(&c) == ICMP_ECHOREPLY;
	else if (proto == bpf_htons(ETH_P_IPV6))
		reply = icmp6_type(&c) == ICMPV6_ECHO_REPLY;

	if (reply) {
		count(0);
		return TC_ACT_SHOT;
	}
	count(1);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
