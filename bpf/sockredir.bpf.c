/* sockredir.bpf.c - pass payload between two local TCP sockets directly.
 *
 * Two programs and one map, in one object:
 *
 *   sockops (cgroup)      on ESTABLISHED: sock_ops_map[{local, remote}] = sk
 *   sk_msg  (sockhash)    on sendmsg():   redirect to sock_ops_map[{remote, local}]
 *
 *   app A --sendmsg--> [sk_msg on A's socket] --redirect--> B's receive queue
 *                       (TCP/IP, qdisc and loopback device are skipped)
 *
 * The sockops program is attached to a cgroup (BPF_CGROUP_SOCK_OPS) and sees
 * every TCP socket of the processes in it. The sk_msg program is attached to
 * the sockhash itself (BPF_SK_MSG_VERDICT) and runs for each sendmsg() on a
 * socket that is in the map.
 *
 * Two details the seed tutorial got wrong, and why:
 *
 * - The sk_msg program always returns SK_PASS. bpf_msg_redirect_hash()
 *   returns SK_DROP when the peer is not in the map (the first write can
 *   race the peer's PASSIVE_ESTABLISHED callback; a peer outside the cgroup
 *   is never there). Returning that value drops the data and the writer sees
 *   EACCES. Returning SK_PASS instead sends it the normal way; when the
 *   helper did find the peer, SK_PASS plus the recorded target is a redirect
 *   (sk_psock_map_verd() in net/core/skmsg.c).
 * - The key carries no address family, and IPv4 is stored as v4-mapped IPv6
 *   (see sock_key.h), so an AF_INET client and an AF_INET6 server listening
 *   on :: (which sees its peer as ::ffff:127.0.0.1) find each other.
 *
 * Sockets leave the map by themselves: when a socket is closed or unhashed
 * the kernel removes it from every sockmap/sockhash that holds it
 * (sock_map_close() / sock_map_unhash() in net/core/sock_map.c), so no
 * BPF_SOCK_OPS_STATE_CB is needed to clean up.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include "rl_bpf.h"
#include "sock_key.h"

/* Room for this many sockets (two per local connection).  A full map only
 * means that new connections take the normal TCP path: the insert fails and
 * the sk_msg program never sees those sockets.  Tests build a tiny variant
 * with -DSOCK_MAP_MAX_ENTRIES=2 to prove that. */
#ifndef SOCK_MAP_MAX_ENTRIES
#define SOCK_MAP_MAX_ENTRIES 65535
#endif

/* value: the socket. User space writes an fd (4 bytes); the kernel keeps a
 * reference to the socket, not the fd. */
struct {
	__uint(type, BPF_MAP_TYPE_SOCKHASH);
	__uint(max_entries, SOCK_MAP_MAX_ENTRIES);
	__type(key, struct sock_key);
	__type(value, __u32);
} sock_ops_map SEC(".maps");

SEC("sockops")
int sockredir_sockops(struct bpf_sock_ops *skops)
{
	struct sock_key key;

	switch (skops->op) {
	case BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB:	/* connect() side */
	case BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB:	/* accept() side */
		break;
	default:
		return 1;
	}

	if (!sock_key_from_ops(skops, &key) || !sock_key_is_local(&key))
		return 1;

	/* BPF_ANY: a 4-tuple reused after TIME_WAIT must replace the entry a
	 * previous connection may still hold (BPF_NOEXIST would fail). */
	bpf_sock_hash_update(skops, &sock_ops_map, &key, BPF_ANY);
	return 1;
}

SEC("sk_msg")
int sockredir_msg(struct sk_msg_md *msg)
{
	struct sock_key peer;

	/* Only local sockets are in the map, so the peer is local too. */
	if (sock_key_peer_from_msg(msg, &peer))
		bpf_msg_redirect_hash(msg, &sock_ops_map, &peer, BPF_F_INGRESS);
	return SK_PASS;
}

/* The sockmap redirect helpers are GPL-only. */
char LICENSE[] SEC("license") = "GPL";
