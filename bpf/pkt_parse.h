/* pkt_parse.h - walking an Ethernet frame in a BPF program, shared by
 * xdp_drop_ping (XDP: ctx->data .. ctx->data_end) and tc_drop_ping (tc:
 * skb->data .. skb->data_end; at clsact ingress and egress both start at the
 * Ethernet header).
 *
 *   Ethernet | 0..2 VLAN tags | IPv4 (+options)    | ICMP
 *            | 802.1Q/802.1ad | IPv6 (+ext. hdrs)  | ICMPv6
 *
 * The verifier insists that every read is preceded by a check against the
 * end pointer; a frame too short for the header we want is not ours to
 * judge, so every reader fails soft (0 or -1) and the caller passes it.
 */
#ifndef RL_PKT_PARSE_H
#define RL_PKT_PARSE_H

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
#define ICMP_ECHO	8

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

/* The ICMP type of an IPv4 packet at the cursor, or -1 when it is not ICMP,
 * not the first fragment, or truncated. */
static __always_inline int icmp_type_v4(struct cursor *c)
{
	struct iphdr *ip = c->pos;
	struct icmp_echo *icmp;
	__u32 hdr_len;

	if ((void *)(ip + 1) > c->end)
		return -1;
	if (ip->ihl < 5)		/* a malformed header: not ours */
		return -1;
	if (ip->protocol != IPPROTO_ICMP)
		return -1;
	/* Only the first fragment carries the ICMP header. */
	if (ip->frag_off & bpf_htons(IPV4_OFFSET))
		return -1;

	hdr_len = ip->ihl * 4;		/* 20..60 bytes, options included */
	icmp = c->pos + hdr_len;
	if ((void *)(icmp + 1) > c->end)
		return -1;
	return icmp->type;
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

/* The ICMPv6 type of an IPv6 packet at the cursor (extension headers
 * skipped), or -1. */
static __always_inline int icmp6_type(struct cursor *c)
{
	struct ipv6hdr *ip6 = c->pos;
	struct icmp6hdr *icmp6;

	if ((void *)(ip6 + 1) > c->end)
		return -1;
	c->pos = ip6 + 1;
	if (skip_ipv6_ext(c, ip6->nexthdr) != IPPROTO_ICMPV6)
		return -1;

	icmp6 = c->pos;
	if ((void *)(icmp6 + 1) > c->end)
		return -1;
	return icmp6->icmp6_type;
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

#endif
