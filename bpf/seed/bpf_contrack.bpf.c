/* bpf_contrack.bpf.c - the seed tutorial's sockops half.
 *
 * Attached to a cgroup (BPF_CGROUP_SOCK_OPS). When a TCP connection of a
 * process in that cgroup becomes established, and it never leaves the host,
 * the socket is stored in sock_ops_map under {local, remote}.
 *
 * Differences from the tutorial: the key is family-free and IPv6-form (see
 * sock_key.h), so IPv6 and v4-mapped sockets are recorded too, not just
 * 127.0.0.1; BPF_ANY replaces BPF_NOEXIST so a 4-tuple reused after
 * TIME_WAIT replaces a stale entry; the program returns 1, the success value
 * for sockops (the kernel treats 0 as "failed" for callbacks whose reply it
 * uses, see tcp_call_bpf() in include/net/tcp.h).
 */
#include "bpf_sockmap.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("sockops")
int bpf_sockops_handler(struct bpf_sock_ops *skops)
{
	struct sock_key key;
	__u32 op = skops->op;

	if (op != BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB &&
	    op != BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB)
		return 1;

	if (!sock_key_from_ops(skops, &key) || !sock_key_is_local(&key))
		return 1;

	bpf_printk(">>> new connection: OP:%d, PORT:%d --> %d\n",
		   op, key.local_port, key.remote_port);
	bpf_sock_hash_update(skops, &sock_ops_map, &key, BPF_ANY);
	return 1;
}
