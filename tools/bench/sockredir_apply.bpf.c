/* sockredir_apply.bpf.c - bpf/sockredir.bpf.c with bpf_msg_apply_bytes(): a
 * prototype for sockmap_4k.sh, not a shipped program.
 *
 * Built twice by sockmap_4k.sh: as is, and with -DCORK_BYTES=N, which adds
 * bpf_msg_cork_bytes(msg, N): the kernel holds a socket's data back until N
 * bytes have gathered and redirects them as one message (tcp_bpf_send_verdict
 * keeps them in psock->cork).  That batches a 4 KiB stream into 64 KiB
 * deliveries, but it is an experiment, not a fix: a request smaller than N
 * would wait forever for the rest, so it breaks request/response traffic.
 *
 * Same sockops program and sockhash.  The sk_msg program differs in one
 * line: after a successful redirect it asks the kernel to apply the same
 * verdict to the next APPLY_BYTES bytes of this socket without running the
 * program again (psock->apply_bytes in tcp_bpf_send_verdict(),
 * net/ipv4/tcp_bpf.c).  A stream of 4 KiB writes then runs the program and
 * its hash lookup once per 64 KiB instead of once per write.  The data still
 * arrives as one sk_msg per write, so this cuts the program's cost, not the
 * receiver's per-message wakeups.
 *
 * Only after a successful redirect: if the peer is not in the map yet, the
 * SK_PASS fallback must be re-evaluated on the next write, not carried over.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include "rl_bpf.h"
#include "sock_key.h"

#ifndef APPLY_BYTES
#define APPLY_BYTES 65536
#endif

static long (* const msg_apply_bytes)(struct sk_msg_md *msg, __u32 bytes) =
	(void *) BPF_FUNC_msg_apply_bytes;
#ifdef CORK_BYTES
static long (* const msg_cork_bytes)(struct sk_msg_md *msg, __u32 bytes) =
	(void *) BPF_FUNC_msg_cork_bytes;
#endif

struct {
	__uint(type, BPF_MAP_TYPE_SOCKHASH);
	__uint(max_entries, 65535);
	__type(key, struct sock_key);
	__type(value, __u32);
} sock_ops_map SEC(".maps");

SEC("sockops")
int sockredir_sockops(struct bpf_sock_ops *skops)
{
	struct sock_key key;

	if (skops->op != BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB &&
	    skops->op != BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB)
		return 1;
	if (!sock_key_from_ops(skops, &key) || !sock_key_is_local(&key))
		return 1;
	bpf_sock_hash_update(skops, &sock_ops_map, &key, BPF_ANY);
	return 1;
}

SEC("sk_msg")
int sockredir_msg(struct sk_msg_md *msg)
{
	struct sock_key peer;

	if (sock_key_peer_from_msg(msg, &peer) &&
	    bpf_msg_redirect_hash(msg, &sock_ops_map, &peer, BPF_F_INGRESS) == SK_PASS) {
		msg_apply_bytes(msg, APPLY_BYTES);
#ifdef CORK_BYTES
		msg_cork_bytes(msg, CORK_BYTES);
#endif
	}
	return SK_PASS;
}

char LICENSE[] SEC("license") = "GPL";
