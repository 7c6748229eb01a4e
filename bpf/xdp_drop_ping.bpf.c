/* xdp_drop_ping.bpf.c - drop ICMP and ICMPv6 echo replies at the driver.
 *
 * An XDP program sees the raw frame before the kernel allocates an skb. It
 * gets two pointers, ctx->data and ctx->data_end, and the verifier insists
 * that every read is preceded by a check against data_end. A frame that is
 * too short for the header we want is not ours to judge: we pass it.
 *
 *   Ethernet | 0..2 VLAN tags | IPv4 (+options)    | ICMP   type 0   -> DROP
 *            | 802.1Q/802.1ad | IPv6 (+ext. hdrs)  | ICMPv6 type 129 -> DROP
 *   everything else, including truncated frames                       -> PASS
 *
 * Counters: the per-CPU array `xdp_stats` has two slots,
 *
 *   key 0 (XDP_STATS_DROPPED)  __u64 packets dropped
 *   key 1 (XDP_STATS_PASSED)   __u64 packets passed
 *
 * one value per possible CPU; `rawload show` sums them.
 */
#include "pkt_parse.h"	/* the frame walk, shared with tc_drop_ping */

enum xdp_stats_key {
	XDP_STATS_DROPPED = 0,
	XDP_STATS_PASSED = 1,
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} xdp_stats SEC(".maps");

static __always_inline void count(__u32 key)
{
	__u64 *packets = bpf_map_lookup_elem(&xdp_stats, &key);

	/* Per-CPU slot: no other CPU writes it, a plain add is enough. */
	if (packets)
		*packets += 1;
}

SEC("xdp")
int xdp_drop_ping(struct xdp_md *ctx)
{
	struct cursor c = {
		.pos = (void *)(long)ctx->data,
		.end = (void *)(long)ctx->data_end,
	};
	__be16 proto = parse_ethertype(&c);
	int reply = 0;

	if (proto == bpf_htons(ETH_P_IP))
		reply = icmp_type_v4(&c) == ICMP_ECHOREPLY;
	else if (proto == bpf_htons(ETH_P_IPV6))
		reply = icmp6_type(&c) == ICMPV6_ECHO_REPLY;

	if (reply) {
		count(XDP_STATS_DROPPED);
		return XDP_DROP;
	}
	count(XDP_STATS_PASSED);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
