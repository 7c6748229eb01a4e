/* tc_drop_ping.bpf.c - drop outgoing ICMP and ICMPv6 echo requests at tc egress.
 *
 * XDP sees only what a device receives; a packet this host sends passes
 * the clsact qdisc's egress hook on its way to the driver:
 *
 *   dev_queue_xmit -> sch_handle_egress -> tcf_classify -> cls_bpf_classify
 *   -> tc_drop_ping(skb)
 *
 * Attached in direct-action mode (TCA_BPF_FLAG_ACT_DIRECT), the return value
 * is the verdict: TC_ACT_OK lets the packet go on, TC_ACT_SHOT drops it (the
 * sender's sendmsg still succeeds; `ping` simply hears nothing back).
 *
 *   Ethernet | 0..2 VLAN tags | IPv4 | ICMP   type 8   -> SHOT
 *                             | IPv6 | ICMPv6 type 128 -> SHOT
 *   everything else, including truncated frames       -> OK
 *
 * The frame walk is xdp_drop_ping's (pkt_parse.h): a tc program reads the
 * packet through skb->data .. skb->data_end exactly as XDP reads ctx->data,
 * and at clsact both point at the Ethernet header.
 *
 * Counters: the per-CPU array `tc_stats`, key 0 dropped, key 1 passed.
 */
#include "pkt_parse.h"

/* <linux/pkt_cls.h>'s values (include/uapi/linux/pkt_cls.h) */
#define TC_ACT_OK	0
#define TC_ACT_SHOT	2

enum tc_stats_key {
	TC_STATS_DROPPED = 0,
	TC_STATS_PASSED = 1,
};

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
int tc_drop_ping(struct __sk_buff *skb)
{
	struct cursor c = {
		.pos = (void *)(long)skb->data,
		.end = (void *)(long)skb->data_end,
	};
	__be16 proto = parse_ethertype(&c);
	int request = 0;

	if (proto == bpf_htons(ETH_P_IP))
		request = icmp_type_v4(&c) == ICMP_ECHO;
	else if (proto == bpf_htons(ETH_P_IPV6))
		request = icmp6_type(&c) == ICMPV6_ECHO_REQUEST;

	if (request) {
		count(TC_STATS_DROPPED);
		return TC_ACT_SHOT;
	}
	count(TC_STATS_PASSED);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
