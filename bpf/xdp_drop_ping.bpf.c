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
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/icmpv6.h>
#include "rl_bpf.h"

/* <linux/icmp.h> is deliberately not included: it pulls in <linux/if.h>,
 * which includes glibc's <sys/socket.h>, and glibc has no headers for the
 * BPF target. The ICMP header is 8 bytes (RFC 792); we need its first byte. */
struct icmp_echo {
	__u8 type;		/* 0 = echo reply, 8 = echo request */
	__u8 code;
	__sum16 checksum;
	__be16 id;
	__be16 sequence;
};

#define ICMP_ECHOREPLY	0

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

/* The VLAN header is not in the UAPI headers (it lives in the kernel's
 * include/linux/if_vlan.h), so we describe the 4 bytes ourselves. */
struct vlan_tag {
	__be16 tci;		/* priority, DEI, VLAN id */
	__be16 inner_proto;	/* EtherType of what follows */
};

/* The IPv6 fragment header (RFC 8200 4.5), also kernel-internal. */
struct ipv6_frag {
	__u8 nexthdr;
	__u8 reserved;
	__be16 frag_off;	/* offset in 8-byte units << 3 | M flag */
	__be32 identification;
};

#define IPV4_MF		0x2000	/* more fragments */
#define IPV4_OFFSET	0x1fff	/* fragment offset, 8-byte units */
#define IPV6_FRAG_OFF	0xfff8
#define MAX_VLAN_TAGS	2
#define MAX_IPV6_EXT	4

/* A cursor walks the frame; parse functions advance it or fail. */
struct cursor {
	void *pos;
	void *end;
};

static __always_inline int is_echo_reply_v4(struct cursor *c)
{
	struct iphdr *ip = c->pos;
	struct icmp_echo *icmp;
	__u32 hdr_len;

	if ((void *)(ip + 1) > c->end)
		return 0;
	if (ip->ihl < 5)		/* a malformed header: not ours */
		return 0;
	if (ip->protocol != IPPROTO_ICMP)
		return 0;
	/* Only the first fragment carries the ICMP header. */
	if (ip->frag_off & bpf_htons(IPV4_OFFSET))
		return 0;

	hdr_len = ip->ihl * 4;		/* 20..60 bytes, options included */
	icmp = c->pos + hdr_len;
	if ((void *)(icmp + 1) > c->end)
		return 0;
	return icmp->type == ICMP_ECHOREPLY;
}

/* Skip hop-by-hop, routing, destination-options and fragment headers until
 * we reach an upper-layer header. Returns that header's protocol number, or
 * -1 when the frame is truncated or a later fragment. */
static __always_inline int skip_ipv6_ext(struct cursor *c, __u8 nexthdr)
{
#pragma unroll
	for (int i = 0; i < MAX_IPV6_EXT; i++) {
		struct ipv6_opt_hdr *opt = c->pos;
		struct ipv6_frag *frag = c->pos;

		switch (nexthdr) {
		case IPPROTO_HOPOPTS:
		case IPPROTO_ROUTING:
		case IPPROTO_DSTOPTS:
			if ((void *)(opt + 1) > c->end)
				return -1;
			nexthdr = opt->nexthdr;
			/* hdrlen counts 8-byte units after the first 8 */
			c->pos += (opt->hdrlen + 1) * 8;
			break;
		case IPPROTO_FRAGMENT:
			if ((void *)(frag + 1) > c->end)
				return -1;
			if (frag->frag_off & bpf_htons(IPV6_FRAG_OFF))
				return -1;
			nexthdr = frag->nexthdr;
			c->pos = frag + 1;
			break;
		default:
			return nexthdr;
		}
	}
	return nexthdr;
}

static __always_inline int is_echo_reply_v6(struct cursor *c)
{
	struct ipv6hdr *ip6 = c->pos;
	struct icmp6hdr *icmp6;

	if ((void *)(ip6 + 1) > c->end)
		return 0;
	c->pos = ip6 + 1;
	if (skip_ipv6_ext(c, ip6->nexthdr) != IPPROTO_ICMPV6)
		return 0;

	icmp6 = c->pos;
	if ((void *)(icmp6 + 1) > c->end)
		return 0;
	return icmp6->icmp6_type == ICMPV6_ECHO_REPLY;
}

/* Read the EtherType, stepping over up to two VLAN tags (802.1ad outer
 * "QinQ" tag, then 802.1Q). Returns 0 when the frame is truncated. */
static __always_inline __be16 parse_ethertype(struct cursor *c)
{
	struct ethhdr *eth = c->pos;
	__be16 proto;

	if ((void *)(eth + 1) > c->end)
		return 0;
	proto = eth->h_proto;
	c->pos = eth + 1;

#pragma unroll
	for (int i = 0; i < MAX_VLAN_TAGS; i++) {
		struct vlan_tag *tag = c->pos;

		if (proto != bpf_htons(ETH_P_8021Q) &&
		    proto != bpf_htons(ETH_P_8021AD))
			break;
		if ((void *)(tag + 1) > c->end)
			return 0;
		proto = tag->inner_proto;
		c->pos = tag + 1;
	}
	return proto;
}

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
		reply = is_echo_reply_v4(&c);
	else if (proto == bpf_htons(ETH_P_IPV6))
		reply = is_echo_reply_v6(&c);

	if (reply) {
		count(XDP_STATS_DROPPED);
		return XDP_DROP;
	}
	count(XDP_STATS_PASSED);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
