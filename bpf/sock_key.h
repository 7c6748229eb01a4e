/* sock_key.h - the key under which a local TCP socket is stored in a sockhash.
 *
 * A sockops program stores each established socket under {local, remote};
 * an sk_msg program on one end builds the key of the *other* end by swapping
 * the two halves, and redirects the message to that socket.
 *
 *   struct sock_key (36 bytes, no padding)
 *   +---------------------+---------------------+-------+-------+
 *   | local_ip[4]  16 B   | remote_ip[4]  16 B  | lport | rport |
 *   +---------------------+---------------------+-------+-------+
 *     IPv6 form, network byte order              host byte order
 *
 * Both ends must produce byte-identical keys, so everything is normalised:
 *
 * - Addresses are always 16 bytes. An AF_INET socket's 127.0.0.1 becomes the
 *   v4-mapped ::ffff:127.0.0.1, which is exactly what an AF_INET6 socket
 *   bound to :: reports for the same peer. No address family in the key: an
 *   AF_INET client and a dual-stack AF_INET6 server must match.
 * - Ports are host byte order. local_port is host order in the context;
 *   remote_port is documented as "network byte order" but see remote_port().
 */
#ifndef SOCK_KEY_H
#define SOCK_KEY_H

#include <linux/types.h>
#include <linux/bpf.h>
#include "rl_bpf.h"

/* Address families. The UAPI headers leave AF_* to the C library (glibc's
 * <bits/socket.h>), which the BPF target cannot include. */
#define SK_AF_INET	2
#define SK_AF_INET6	10

struct sock_key {
	__u32 local_ip[4];
	__u32 remote_ip[4];
	__u16 local_port;
	__u16 remote_port;
};

/* ::ffff:a.b.c.d, the IPv4-mapped IPv6 address (RFC 4291 2.5.5.2). */
static __always_inline void ip6_from_ip4(__u32 out[4], __u32 ip4)
{
	out[0] = 0;
	out[1] = 0;
	out[2] = bpf_htonl(0x0000ffff);
	out[3] = ip4;
}

/* remote_port in bpf_sock_ops and sk_msg_md holds the 16-bit port in network
 * order, but on little-endian machines the kernel's context rewrite
 * (sock_ops_convert_ctx_access and sk_msg_convert_ctx_access in
 * net/core/filter.c) shifts it into the upper 16 bits of the __u32. struct
 * bpf_sock later moved its dst_port to the lower half; accept either
 * placement. A port is never 0 on an established socket, so the half that is
 * non-zero is the port. */
static __always_inline __u16 remote_port(__u32 raw)
{
	__u16 be = raw > 0xffff ? raw >> 16 : raw;

	return bpf_ntohs(be);
}

/* The context fields have the same names in both structs, so one macro reads
 * either. Each array element is its own 4-byte load: the verifier only
 * accepts context accesses at exact field offsets and sizes. */
#define SOCK_KEY_FILL(ctx, key, ok)					\
	do {								\
		(ok) = 1;						\
		if ((ctx)->family == SK_AF_INET) {			\
			ip6_from_ip4((key)->local_ip, (ctx)->local_ip4);	\
			ip6_from_ip4((key)->remote_ip, (ctx)->remote_ip4);	\
		} else if ((ctx)->family == SK_AF_INET6) {		\
			(key)->local_ip[0] = (ctx)->local_ip6[0];	\
			(key)->local_ip[1] = (ctx)->local_ip6[1];	\
			(key)->local_ip[2] = (ctx)->local_ip6[2];	\
			(key)->local_ip[3] = (ctx)->local_ip6[3];	\
			(key)->remote_ip[0] = (ctx)->remote_ip6[0];	\
			(key)->remote_ip[1] = (ctx)->remote_ip6[1];	\
			(key)->remote_ip[2] = (ctx)->remote_ip6[2];	\
			(key)->remote_ip[3] = (ctx)->remote_ip6[3];	\
		} else {						\
			(ok) = 0;					\
		}							\
		(key)->local_port = (__u16)(ctx)->local_port;		\
		(key)->remote_port = remote_port((ctx)->remote_port);	\
	} while (0)

/* This socket's own key: {local, remote}. Returns 0 for non-IP sockets. */
static __always_inline int sock_key_from_ops(struct bpf_sock_ops *skops,
					     struct sock_key *key)
{
	int ok;

	SOCK_KEY_FILL(skops, key, ok);
	return ok;
}

/* The key the *peer* socket was stored under: {remote, local}. */
static __always_inline int sock_key_peer_from_msg(struct sk_msg_md *msg,
						  struct sock_key *peer)
{
	struct sock_key self;
	int ok;

	SOCK_KEY_FILL(msg, &self, ok);
	for (int i = 0; i < 4; i++) {
		peer->local_ip[i] = self.remote_ip[i];
		peer->remote_ip[i] = self.local_ip[i];
	}
	peer->local_port = self.remote_port;
	peer->remote_port = self.local_port;
	return ok;
}

static __always_inline int ip6_is_loopback(const __u32 a[4])
{
	if (a[0] != 0 || a[1] != 0)
		return 0;
	if (a[2] == 0 && a[3] == bpf_htonl(1))		/* ::1 */
		return 1;
	/* ::ffff:127.x.y.z - all of 127.0.0.0/8 is loopback */
	return a[2] == bpf_htonl(0x0000ffff) && (bpf_ntohl(a[3]) >> 24) == 127;
}

/* Only connections that never leave this host can be short-circuited: the
 * peer is loopback, or it is one of our own addresses (connecting to the
 * host's own 10.0.0.1 also stays local: remote == local). */
static __always_inline int sock_key_is_local(const struct sock_key *key)
{
	if (ip6_is_loopback(key->remote_ip))
		return 1;
	return key->remote_ip[0] == key->local_ip[0] &&
	       key->remote_ip[1] == key->local_ip[1] &&
	       key->remote_ip[2] == key->local_ip[2] &&
	       key->remote_ip[3] == key->local_ip[3];
}

#endif /* SOCK_KEY_H */
