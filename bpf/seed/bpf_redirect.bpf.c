/* bpf_redirect.bpf.c - the seed tutorial's sk_msg half.
 *
 * Attached to sock_ops_map (BPF_SK_MSG_VERDICT); runs for every sendmsg() on
 * a socket in the map and redirects the data to the peer's receive queue.
 *
 * The fix: the tutorial returned bpf_msg_redirect_hash()'s result, which is
 * SK_DROP when the peer is not in the map (for instance the first write
 * right after connect(), before the peer's PASSIVE_ESTABLISHED callback ran).
 * The data was dropped and the application saw EACCES. We always return
 * SK_PASS: with a target recorded by the helper that means "redirect",
 * without one it means "send normally".
 */
#include "bpf_sockmap.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("sk_msg")
int bpf_redir(struct sk_msg_md *msg)
{
	struct sock_key peer;

	if (sock_key_peer_from_msg(msg, &peer))
		bpf_msg_redirect_hash(msg, &sock_ops_map, &peer, BPF_F_INGRESS);
	return SK_PASS;
}
