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
 * net/core/filter.c) shifts it into the upper 16 bits of the __u32 (on
 * 6.18, port 5001 reads as 0x89130000). Other contexts keep a remote port in
 * the lower half (struct bpf_sock's dst_port), so accept either placement: a
 * port is never 0 on an established socket, the non-zero half is the port. */
static __always_inline __u16 remote_port(__u32 raw)
{
	__u16 be = raw > 0xffff ? raw >> 16 : raw;

	return bpf_ntohs(be);
}

/* What we need from a socket context (bpf_sock_ops or sk_msg_md). */
struct sock_fields {
	__u32 family;
	__u32 local_ip4, remote_ip4;		/* network order */
	__u32 local_ip6[4], remote_ip6[4];	/* network order */
	__u32 local_port, remote_port;		/* see remote_port() */
};

/* The verifier only accepts context loads at a field's exact offset from
 * the unmodified context pointer ("dereference of modified ctx ptr ...
 * disallowed", check_ctx_access() in kernel/bpf/verifier.c). If the loads
 * sat in two branches (IPv4 / IPv6), clang could merge them into one load
 * through a computed pointer. Volatile loads, all made up front, stay where
 * they are written. Both context structs use the same field names, so one
 * macro reads either. */
#define CTX_U32(ctx, field) (*(volatile __u32 *)&(ctx)->field)
#define SOCK_FIELDS_READ(ctx, f)					\
	do {								\
		(f)->family = CTX_U32(ctx, family);			\
		(f)->local_ip4 = CTX_U32(ctx, local_ip4);		\
		(f)->remote_ip4 = CTX_U32(ctx, remote_ip4);		\
		(f)->local_ip6[0] = CTX_U32(ctx, local_ip6[0]);		\
		(f)->local_ip6[1] = CTX_U32(ctx, local_ip6[1]);		\
		(f)->local_ip6[2] = CTX_U32(ctx, local_ip6[2]);		\
		(f)->local_ip6[3] = CTX_U32(ctx, local_ip6[3]);		\
		(f)->remote_ip6[0] = CTX_U32(ctx, remote_ip6[0]);	\
		(f)->remote_ip6[1] = CTX_U32(ctx, remote_ip6[1]);	\
		(f)->remote_ip6[2] = CTX_U32(ctx, remote_ip6[2]);	\
		(f)->remote_ip6[3] = CTX_U32(ctx, remote_ip6[3]);	\
		(f)->local_port = CTX_U32(ctx, local_port);		\
		(f)->remote_port = CTX_U32(ctx, remote_port);		\
	} while (0)

/* Normalise the fields into a key {local, remote}. Returns 0 for a socket
 * that is neither IPv4 nor IPv6. */
static __always_inline int sock_key_build(const struct sock_fields *f,
					  struct sock_key *key)
{
	if (f->family == SK_AF_INET) {
		ip6_from_ip4(key->local_ip, f->local_ip4);
		ip6_from_ip4(key->remote_ip, f->remote_ip4);
	} else if (f->family == SK_AF_INET6) {
		for (int i = 0; i < 4; i++) {
			key->local_ip[i] = f->local_ip6[i];
			key->remote_ip[i] = f->remote_ip6[i];
		}
	} else {
		return 0;
	}
	key->local_port = (__u16)f->local_port;
	key->remote_port = remote_port(f->remote_port);
	return 1;
}

/* This socket's own key: {local, remote}. Returns 0 for non-IP sockets. */
static __always_inline int sock_key_from_ops(struct bpf_sock_ops *skops,
					     struct sock_key *key)
{
	struct sock_fields f;

	SOCK_FIELDS_READ(skops, &f);
	return sock_key_build(&f, key);
}

/* The key the *peer* socket was stored under: {remote, local}. */
static __always_inline int sock_key_peer_from_msg(struct sk_msg_md *msg,
						  struct sock_key *peer)
{
	struct sock_fields f;
	struct sock_key self;

	SOCK_FIELDS_READ(msg, &f);
	if (!sock_key_build(&f, &self))
		return 0;
	for (int i = 0; i < 4; i++) {
		peer->local_ip[i] = self.remote_ip[i];
		peer->remote_ip[i] = self.local_ip[i];
	}
	peer->local_port = self.remote_port;
	peer->remote_port = self.local_port;
	return 1;
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
