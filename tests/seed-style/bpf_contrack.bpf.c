/* bpf_contrack.bpf.c - the tutorial's sockops half, written its way.
 *
 * Attached to a cgroup: when a TCP connection between two sockets on
 * 127.0.0.1 becomes established (both ends get a callback: ACTIVE on the
 * client, PASSIVE on the server), store the socket in sock_ops_map under
 * {its own address and port, the peer's}.  bpf_redirect.bpf.c looks the
 * *peer* up there on every sendmsg().
 *
 * As in the tutorial: u32 from vmlinux.h, BPF_OK (enum bpf_ret_code, in
 * vmlinux.h; for the ESTABLISHED callbacks the kernel ignores the reply),
 * BPF_NOEXIST, bpf_printk.  Changed: no family in the key (bpf_sockmap.h).
 */
#include "bpf_sockmap.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("sockops")
int bpf_sockops_handler(struct bpf_sock_ops *skops)
{
	u32 op;

	op = skops->op;
	if (op != BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB
	    && op != BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB) {
		return BPF_OK;
	}

	if (skops->remote_ip4 != LOCALHOST_IPV4 || skops->local_ip4 != LOCALHOST_IPV4) {
		return BPF_OK;
	}

	struct sock_key key = {
		.dip = skops->remote_ip4,
		.sip = skops->local_ip4,
		.sport = bpf_htonl(skops->local_port), /* convert to network byte order */
		.dport = skops->remote_port,
	};

	bpf_printk(">>> new connection: OP:%d, PORT:%d --> %d\n", op, bpf_ntohl(key.sport),
		   bpf_ntohl(key.dport));

	bpf_sock_hash_update(skops, &sock_ops_map, &key, BPF_NOEXIST);
	return BPF_OK;
}
