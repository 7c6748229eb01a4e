/* bpf_sockmap.h - the map the tutorial's two sockops objects share.
 *
 * Seed 002 (bpf-developer-tutorial lesson 29, "sockops"), written its way:
 * vmlinux.h + libbpf's headers, a BTF-defined SOCKHASH with no pinning
 * attribute.  Each object that includes this header gets its own copy of the
 * definition; the tutorial's load.sh makes the second one reuse the first's
 * map with `bpftool prog load ... map name sock_ops_map pinned ...`, rawload
 * does it by name when both objects are given to one `rawload sockops`.
 *
 * One of the tutorial's bugs is fixed here: the key has no address family.
 * A dual-stack server (AF_INET6 on ::) and an AF_INET client see the same
 * IPv4 addresses (the server's socket is v4-mapped: skc_daddr and
 * skc_rcv_saddr still hold the IPv4 addresses), but a family in the key made
 * the client's lookup (family 2) miss the server's entry (family 10).
 *
 * The rest is the tutorial's: 127.0.0.1 only, ports as the contexts give
 * them (local_port host order, widened with bpf_htonl; remote_port raw), so
 * both ends build byte-identical keys.
 */
#ifndef __BPF_SOCKMAP_H__
#define __BPF_SOCKMAP_H__

#include "vmlinux.h"
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

/* 127.0.0.1 in network order, read as a little-endian __u32 (0x0100007f) */
#define LOCALHOST_IPV4 16777343

struct sock_key {
	__u32 sip;
	__u32 dip;
	__u32 sport;
	__u32 dport;
};

struct {
	__uint(type, BPF_MAP_TYPE_SOCKHASH);
	__uint(max_entries, 65535);
	__type(key, struct sock_key);
	__type(value, int);
} sock_ops_map SEC(".maps");

#endif /* __BPF_SOCKMAP_H__ */
