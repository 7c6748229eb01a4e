/* bpf_redirect.bpf.c - the tutorial's sk_msg half, written its way.
 *
 * Attached to sock_ops_map (msg_verdict): runs on every sendmsg() of a
 * socket in the map, builds the key under which the peer stored itself (the
 * two halves swapped) and redirects the data into the peer's receive queue.
 *
 * The fix: the tutorial returned bpf_msg_redirect_hash()'s result, SK_DROP
 * when the peer is not in the map - e.g. the first write right after
 * connect(), before the server's PASSIVE_ESTABLISHED callback stored it -
 * and the application got EACCES.  We always return SK_PASS: after a
 * successful redirect the helper has recorded the target, so SK_PASS means
 * "redirect"; without one it means "send normally" (the seed's lab note says
 * the same).  Also no family in the key (bpf_sockmap.h).
 *
 * -DREDIR_TRACE adds a bpf_printk, so this object gets a .rodata of its own
 * too: two objects of one `rawload sockops` run that both carry .rodata.
 */
#include "bpf_sockmap.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("sk_msg")
int bpf_redir(struct sk_msg_md *msg)
{
	if (msg->remote_ip4 != LOCALHOST_IPV4 || msg->local_ip4 != LOCALHOST_IPV4)
		return SK_PASS;

	struct sock_key key = {
		.sip = msg->remote_ip4,
		.dip = msg->local_ip4,
		.dport = bpf_htonl(msg->local_port), /* convert to network byte order */
		.sport = msg->remote_port,
	};

#ifdef REDIR_TRACE
	bpf_printk("<<< redirect: PORT:%d --> %d\n", msg->local_port, bpf_ntohl(msg->remote_port));
#endif
	bpf_msg_redirect_hash(msg, &sock_ops_map, &key, BPF_F_INGRESS);
	return SK_PASS;
}
